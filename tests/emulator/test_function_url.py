"""The Function URL endpoint with http.client: payload format 2.0 events in, real HTTP out,
streamed (Lambda's HTTP integration prelude) or buffered (the Function URL response format)."""

from __future__ import annotations

import base64
import http.client
import json
import sys

import pytest

from lambdaflow.emulator.routes.function_url import (
    HTTP_INTEGRATION,
    MAX_PRELUDE_BYTES,
    BadAnswer,
    buffered_response,
    response_head,
)

from .conftest import REPO

STREAMING = [sys.executable, str(REPO / "bench" / "toys" / "streaming_runtime.py")]


def prelude(**fields: object) -> str:
    return json.dumps(fields) + "\0" * 8


@pytest.fixture
def url(start_emulator):
    emulator = start_emulator("--function-url-port", "0", runtime=STREAMING)
    assert emulator.function_url_port is not None
    return emulator


def request(
    emulator, instructions: dict, path: str = "/", headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", emulator.function_url_port, timeout=30)
    connection.request("POST", path, body=json.dumps(instructions), headers=headers or {})
    return connection.getresponse()


def test_a_streamed_http_response_goes_out_as_produced(url) -> None:
    head = prelude(statusCode=201, headers={"X-Kind": "tokens"}, cookies=["a=1; Path=/", "b=2"])
    response = request(
        url,
        {"chunks": [head, "first ", "second"], "content_type": HTTP_INTEGRATION, "pause_s": 0.5},
    )
    assert response.status == 201
    assert response.getheader("X-Kind") == "tokens"
    assert response.headers.get_all("Set-Cookie") == ["a=1; Path=/", "b=2"]
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.read1(65536) == b"first "  # the prelude's bytes are not the body
    assert "END RequestId" not in url.output()  # "second" is still to be produced
    assert response.read() == b"second"


def test_the_event_is_payload_format_2(url) -> None:
    body = json.dumps({"any": "thing"})
    connection = http.client.HTTPConnection("127.0.0.1", url.function_url_port, timeout=30)
    connection.putrequest("POST", "/items/7?q=1&q=2&echo", skip_accept_encoding=True)
    for name, value in [
        ("Content-Type", "application/json"),
        ("User-Agent", "tester/1"),
        ("X-Twice", "a"),
        ("X-Twice", "b"),
        ("Cookie", "k=v; z=w; "),  # a trailing separator makes no empty cookie
        ("Content-Length", str(len(body))),
    ]:
        connection.putheader(name, value)
    connection.endheaders(body.encode())
    event = json.loads(connection.getresponse().read())
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert (event["rawPath"], event["rawQueryString"]) == ("/items/7", "q=1&q=2&echo")
    assert event["cookies"] == ["k=v", "z=w"]
    assert event["headers"]["x-twice"] == "a,b"
    assert event["headers"]["user-agent"] == "tester/1"
    assert "cookie" not in event["headers"]
    assert event["queryStringParameters"] == {"q": "1,2", "echo": ""}
    assert json.loads(event["body"]) == {"any": "thing"} and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"] == {
        "method": "POST",
        "path": "/items/7",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "tester/1",
    }
    assert (context["stage"], context["routeKey"]) == ("$default", "$default")
    assert context["domainName"] == f"{context['domainPrefix']}.lambda-url.us-east-1.on.aws"
    assert {"accountId", "apiId", "requestId", "time", "timeEpoch"} <= set(context)


def test_a_binary_body_arrives_in_base64(url) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", url.function_url_port, timeout=30)
    body = b"\x00\xff binary"
    connection.request("PUT", "/?echo", body=body, headers={"Content-Type": "text/plain"})
    event = json.loads(connection.getresponse().read())
    assert event["isBase64Encoded"] is True  # text/plain, but not UTF-8
    assert base64.b64decode(event["body"]) == body
    assert event["requestContext"]["http"]["method"] == "PUT"


def test_buffered_answers_in_the_function_url_format_and_plain_json(url) -> None:
    answer = {
        "statusCode": 404,
        "headers": {"X-Why": "missing"},
        "cookies": ["c=3"],
        "body": base64.b64encode(b"\x00binary").decode(),
        "isBase64Encoded": True,
    }
    response = request(url, {"chunks": [json.dumps(answer)], "buffered": True})
    assert (response.status, response.getheader("X-Why")) == (404, "missing")
    assert response.getheader("Set-Cookie") == "c=3"
    assert response.read() == b"\x00binary"
    response = request(url, {"chunks": ["[1, 2]"], "buffered": True})
    assert (response.status, response.getheader("Content-Type")) == (200, "application/json")
    assert response.read() == b"[1, 2]"


def test_another_content_type_streams_as_a_200_body_of_that_type(url) -> None:
    response = request(url, {"chunks": ["a", "b"], "content_type": "text/event-stream"})
    assert (response.status, response.getheader("Content-Type")) == (200, "text/event-stream")
    assert response.read() == b"ab"


def test_a_function_error_before_the_prelude_is_a_502_and_after_it_a_cut_body(url) -> None:
    response = request(url, {"chunks": ["x"], "error": "Boom", "content_type": HTTP_INTEGRATION})
    assert response.status == 502
    response = request(
        url, {"chunks": [prelude(statusCode=200), "part"], "error": "Boom",
              "content_type": HTTP_INTEGRATION},
    )
    assert response.status == 200
    with pytest.raises(http.client.IncompleteRead):
        response.read()


@pytest.mark.parametrize(
    "head",
    [
        prelude(headers={"X-Bad": "a\r\nInjected: 1"}),
        prelude(headers={"Bad Name": "v"}),
        prelude(cookies=["a=1\nSet-Cookie: evil"]),
        prelude(statusCode="200"),
        prelude(statusCode=700),
        "not json" + "\0" * 8,
        "{}",  # the stream ends before the prelude does
    ],
)
def test_a_prelude_that_cannot_be_sent_is_a_502(url, head: str) -> None:
    response = request(url, {"chunks": [head, "body"], "content_type": HTTP_INTEGRATION})
    assert response.status == 502
    assert b"Internal Server Error" in response.read()
    assert request(url, {"chunks": ["still served"]}).read() == b"still served"


def test_a_prelude_over_its_bound_is_a_502_at_once(url) -> None:
    endless = "{" + " " * (MAX_PRELUDE_BYTES + 10)
    response = request(
        url,
        {"chunks": [endless, "x"], "pause_s": 1.5, "say": True, "content_type": HTTP_INTEGRATION},
    )
    assert response.status == 502
    assert "sending chunk 1" not in url.output()  # refused at once, not at the stream's end


@pytest.mark.parametrize(
    "answer",
    [
        {"statusCode": True},
        {"statusCode": 200, "headers": {"X": "a\rb"}},
        {"statusCode": 200, "headers": ["X"]},
        {"statusCode": 200, "headers": {"X": None}},
        {"statusCode": 200, "body": 3},
        {"statusCode": 200, "body": "***", "isBase64Encoded": True},
        {"statusCode": 200, "cookies": "a=1"},
        {"statusCode": 200, "headers": {"X": "\ud800"}},  # a lone surrogate: no UTF-8
        {"statusCode": 200, "body": "\ud800"},
    ],
)
def test_a_buffered_answer_that_cannot_be_sent_is_refused(answer: dict) -> None:
    with pytest.raises(BadAnswer):
        buffered_response(json.dumps(answer).encode())


def test_the_function_cannot_set_the_framing() -> None:
    status, headers = response_head(
        {"headers": {"Content-Length": "1", "Transfer-Encoding": "x", "X-Ok": 1, "X-U": "é"}}
    )
    assert status == 200
    assert headers == [("X-Ok", "1"), ("X-U", "é".encode().decode("latin-1"))]


def test_a_head_request_gets_the_streamed_head_without_a_body(url) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", url.function_url_port, timeout=30)
    instructions = json.dumps({"chunks": ["a", "b"], "content_type": "text/plain"})
    connection.request("HEAD", "/", body=instructions)
    response = connection.getresponse()
    assert (response.status, response.read()) == (200, b"")
    connection.request("POST", "/", body=instructions)  # the same connection serves on
    assert connection.getresponse().read() == b"ab"
