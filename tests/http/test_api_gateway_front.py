"""The emulator's API Gateway front in process: the events it builds and how it reads answers
(the end-to-end behaviour is in test_emulator_routes)."""

from __future__ import annotations

import pytest

from lambdaflow.emulator.http.messages import HttpRequest
from lambdaflow.emulator.routes.api_gateway import http_api_event, rest_event, rest_response
from lambdaflow.emulator.routes.function_url import BadAnswer
from lambdaflow.http.triggers import HTTP_API, HTTP_API_V1, trigger_for


def request(target: str, body: bytes = b"", **headers: str) -> HttpRequest:
    return HttpRequest("POST", target, {"host": "127.0.0.1:3000", **headers}, body, True)


def test_payload_2_0_event_is_an_http_api_one() -> None:
    event = http_api_event(request("/a/b?x=1&x=2", b"{}", cookie="k=v; t=1",
                                   **{"content-type": "application/json"}), "eu-west-1", 0)
    assert trigger_for(event) is HTTP_API
    domain = "lambdaflowapi.execute-api.eu-west-1.amazonaws.com"
    assert event["requestContext"]["domainName"] == domain
    assert event["rawQueryString"] == "x=1&x=2"
    assert event["cookies"] == ["k=v", "t=1"]
    assert (event["body"], event["isBase64Encoded"]) == ("{}", False)


def test_payload_1_0_event_has_multi_values_and_base64_for_binary() -> None:
    event = rest_event(request("/a?x=1&x=2&y=", b"\x00\xff", **{"content-type": "image/png"}),
                       "eu-west-1", 0)
    assert trigger_for(event) is HTTP_API_V1
    assert event["version"] == "1.0"
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": [""]}
    assert event["queryStringParameters"] == {"x": "2", "y": ""}
    assert event["multiValueHeaders"]["content-type"] == ["image/png"]
    assert (event["body"], event["isBase64Encoded"]) == ("AP8=", True)
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"


def test_payload_1_0_answer_merges_multi_value_headers() -> None:
    response = rest_response(
        b'{"statusCode": 201, "headers": {"X": "c", "Y": "d"}, '
        b'"multiValueHeaders": {"X": ["a", "b"], "Set-Cookie": ["s=1", "t=2"]}, "body": "hi"}'
    )
    assert response.status == 201
    assert response.body == b"hi"
    assert list(response.headers) == [
        ("Y", "d"), ("X", "a"), ("X", "b"), ("Set-Cookie", "s=1"), ("Set-Cookie", "t=2"),
    ]


@pytest.mark.parametrize(
    "payload",
    [
        b'{"body": "no status"}',
        b"[1, 2]",
        b'{"statusCode": 200, "multiValueHeaders": {"X": "not a list"}}',
        b'{"statusCode": 200, "multiValueHeaders": {"X": ["a\\r\\nSet-Cookie: evil"]}}',
        b'{"statusCode": 200, "headers": {"bad name": "1"}}',
        b"[" * 100_000 + b"]" * 100_000,  # deeper than json parses: no hung caller
    ],
)
def test_payload_1_0_answers_api_gateway_cannot_read_are_refused(payload: bytes) -> None:
    with pytest.raises(BadAnswer):
        rest_response(payload)
