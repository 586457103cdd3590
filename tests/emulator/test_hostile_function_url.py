"""Hostile answers and callers on the Function URL surface (issue 22), over real HTTP on
loopback against the real emulator and the streaming toy runtime."""

from __future__ import annotations

import http.client
import json
import socket
import sys

import pytest

from lambdaflow.emulator.http.messages import is_token
from lambdaflow.emulator.routes.function_url import HTTP_INTEGRATION, BadAnswer, response_head

from .conftest import REPO

STREAMING = [sys.executable, str(REPO / "bench" / "toys" / "streaming_runtime.py")]
SMUGGLED = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged"


@pytest.fixture
def url(start_emulator):
    emulator = start_emulator("--function-url-port", "0", runtime=STREAMING)
    assert emulator.function_url_port is not None
    return emulator


def prelude(**fields: object) -> str:
    return json.dumps(fields) + "\0" * 8


def ask(connection: http.client.HTTPConnection, instructions: dict) -> http.client.HTTPResponse:
    connection.request("POST", "/", body=json.dumps(instructions))
    return connection.getresponse()


def connect(emulator) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", emulator.function_url_port, timeout=30)


def then_the_next_answer_is_its_own(connection: http.client.HTTPConnection) -> None:
    response = ask(connection, {"chunks": ["second"], "buffered": True})
    assert (response.status, response.read()) == (200, b"second")


def raw_answer(emulator, instructions: dict) -> bytes:
    """Everything the connection receives for one request, until it has been quiet 0.5 s (a raw
    socket: http.client drops bytes buffered past an answer, which is what a smuggled answer
    is to a client that reads ahead)."""
    body = json.dumps(instructions).encode()
    with socket.create_connection(("127.0.0.1", emulator.function_url_port), timeout=30) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%b" % (len(body), body)
        )
        received = sock.recv(65536)
        sock.settimeout(0.5)
        try:
            while piece := sock.recv(65536):
                received += piece
        except TimeoutError:
            pass
    return received


@pytest.mark.parametrize("status", [204, 304])
@pytest.mark.parametrize("streamed", [False, True])
def test_a_bodiless_status_goes_out_without_a_body(url, status: int, streamed: bool) -> None:
    if streamed:
        instructions = {"chunks": [prelude(statusCode=status), SMUGGLED]}
        instructions["content_type"] = HTTP_INTEGRATION
    else:
        instructions = {"chunks": [json.dumps({"statusCode": status, "body": SMUGGLED})]}
        instructions["buffered"] = True
    received = raw_answer(url, instructions)
    head, _, rest = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status)
    assert b"transfer-encoding" not in head.lower() and b"content-length" not in head.lower()
    assert rest == b""  # nothing for the connection's next request to read


def test_a_1xx_is_never_sent_as_the_final_answer(url) -> None:
    connection = connect(url)
    buffered = {"chunks": [json.dumps({"statusCode": 100, "body": "x"})], "buffered": True}
    assert ask(connection, buffered).status == 502
    connection = connect(url)
    streamed = {"chunks": [prelude(statusCode=101), "x"], "content_type": HTTP_INTEGRATION}
    response = ask(connection, streamed)
    assert response.status == 502
    response.read()
    then_the_next_answer_is_its_own(connect(url))


@pytest.mark.parametrize("streamed", [False, True])
def test_a_header_name_that_only_lower_cases_to_a_token_is_a_502(url, streamed: bool) -> None:
    headers = {"\u212a-Kelvin": "1"}  # KELVIN SIGN: its lower case is "k"
    if streamed:
        instructions = {"chunks": [prelude(headers=headers), "x"]}
        instructions["content_type"] = HTTP_INTEGRATION
    else:
        instructions = {"chunks": [json.dumps({"statusCode": 200, "headers": headers})]}
        instructions["buffered"] = True
    response = ask(connect(url), instructions)
    assert response.status == 502
    response.read()


def test_token_rules_fold_no_case_first() -> None:
    assert is_token("X-Kind") and not is_token("\u212a") and not is_token("\u0130d")
    with pytest.raises(BadAnswer, match="header name"):
        response_head({"headers": {"\u212a": "1"}})


DEEP = "[" * 990 + "]" * 990  # 1,980 bytes: deeper than the json module parses


@pytest.mark.parametrize("streamed", [False, True])
def test_an_answer_nested_too_deeply_is_a_502(url, streamed: bool) -> None:
    answer = '{"statusCode": 200, "headers": {"X-Deep": ' + DEEP + "}}"
    if streamed:
        instructions = {"chunks": [answer + "\0" * 8, "x"], "content_type": HTTP_INTEGRATION}
    else:
        instructions = {"chunks": [answer], "buffered": True}
    connection = connect(url)
    connection.timeout = 10
    response = ask(connection, instructions)
    assert response.status == 502
    response.read()
