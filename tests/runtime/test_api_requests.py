"""Each Runtime/Extensions API request renders to exactly these bytes (in process)."""

from __future__ import annotations

import json

import pytest

from lambdaflow.runtime_api.api_requests import (
    NEXT,
    ErrorRequest,
    ExtensionNextRequest,
    ExtensionRegisterRequest,
    InitErrorRequest,
    ResponseRequest,
    RestoreErrorRequest,
    RestoreNextRequest,
    StreamedResponseRequest,
    path_segment,
)

COMMON = b"Host: 127.0.0.1:9001\r\nUser-Agent: lambdaflow/0.1.0\r\n"
PAYLOAD = {"errorMessage": "boom \udcff", "errorType": "ValueError", "stackTrace": ["  f\n"]}
PAYLOAD_JSON = b'{"errorMessage":"boom \\udcff","errorType":"ValueError","stackTrace":["  f\\n"]}'


def rendered(request) -> bytes:
    head, body = request.render(COMMON)
    return head + body


def test_next():
    assert rendered(NEXT) == (
        b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n" + COMMON + b"\r\n"
    )


def test_response_keeps_the_body_apart_from_the_head():
    head, body = ResponseRequest(b"r-1", b'{"a":1}').render(COMMON)
    assert head == (
        b"POST /2018-06-01/runtime/invocation/r-1/response HTTP/1.1\r\n" + COMMON
        + b"Content-Type: application/json\r\nContent-Length: 7\r\n\r\n"
    )
    assert body == b'{"a":1}'


def test_streamed_response_head():
    assert rendered(StreamedResponseRequest(b"r-1", b"text/plain")) == (
        b"POST /2018-06-01/runtime/invocation/r-1/response HTTP/1.1\r\n" + COMMON
        + b"Content-Type: text/plain\r\n"
        b"Lambda-Runtime-Function-Response-Mode: streaming\r\n"
        b"Transfer-Encoding: chunked\r\n"
        b"Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n"
        b"\r\n"
    )


def test_invocation_error_with_xray_cause():
    cause = b'{"working_directory":"/var/task","exceptions":[],"paths":[]}'
    assert rendered(ErrorRequest(b"r-1", PAYLOAD, cause)) == (
        b"POST /2018-06-01/runtime/invocation/r-1/error HTTP/1.1\r\n" + COMMON
        + b"Content-Type: application/json\r\n"
        b"Lambda-Runtime-Function-Error-Type: Function.ValueError\r\n"
        b"Lambda-Runtime-Function-XRay-Error-Cause: " + cause + b"\r\n"
        b"Content-Length: %d\r\n\r\n" % len(PAYLOAD_JSON) + PAYLOAD_JSON
    )


@pytest.mark.parametrize(
    ("request_class", "path"),
    [(InitErrorRequest, b"init/error"), (RestoreErrorRequest, b"restore/error")],
)
def test_failures_outside_an_invocation(request_class, path):
    assert rendered(request_class(PAYLOAD)) == (
        b"POST /2018-06-01/runtime/" + path + b" HTTP/1.1\r\n" + COMMON
        + b"Content-Type: application/json\r\n"
        b"Lambda-Runtime-Function-Error-Type: Function.ValueError\r\n"
        b"Content-Length: %d\r\n\r\n" % len(PAYLOAD_JSON) + PAYLOAD_JSON
    )


def test_restore_next():
    assert rendered(RestoreNextRequest()) == (
        b"GET /2018-06-01/runtime/restore/next HTTP/1.1\r\n" + COMMON + b"\r\n"
    )


def test_extension_register_and_event_next():
    assert rendered(ExtensionRegisterRequest("lambdaflow")) == (
        b"POST /2020-01-01/extension/register HTTP/1.1\r\n" + COMMON
        + b"Lambda-Extension-Name: lambdaflow\r\nContent-Type: application/json\r\n"
        b'Content-Length: 13\r\n\r\n{"events":[]}'
    )
    assert json.loads(ExtensionRegisterRequest("x", ("SHUTDOWN",)).render(COMMON)[1]) == {
        "events": ["SHUTDOWN"]
    }
    assert rendered(ExtensionNextRequest(b"ext-1")) == (
        b"GET /2020-01-01/extension/event/next HTTP/1.1\r\n" + COMMON
        + b"Lambda-Extension-Identifier: ext-1\r\n\r\n"
    )


@pytest.mark.parametrize(
    ("raw", "segment", "escaped"),
    [
        (b"8476a536-e9f4-11e8-9739-2dfe598c3fcd", b"8476a536-e9f4-11e8-9739-2dfe598c3fcd", False),
        (b"a.b_c~d", b"a.b_c~d", False),
        (b"x/../../init/error?/response", b"x%2F..%2F..%2Finit%2Ferror%3F%2Fresponse", True),
        (b"a b#c\rd", b"a%20b%23c%0Dd", True),
        (b"..", b"%2E%2E", True),
        (b".", b"%2E", True),
        (b"\xff", b"%FF", True),
    ],
)
def test_request_ids_become_one_safe_path_segment(raw, segment, escaped):
    assert path_segment(raw) == (segment, escaped)


@pytest.mark.parametrize("value", [b"", b"a\r\nX-Injected: 1", b"a\x00", b" leading-space"])
def test_peer_bytes_that_would_break_a_header_line_are_refused(value):
    with pytest.raises(ValueError, match="not a valid header value"):
        ExtensionNextRequest(value)
    with pytest.raises(ValueError):
        StreamedResponseRequest(b"r", value)

