"""The exact status codes, headers and bodies the AWS RIE answers with.

Kept in one place because drop-in compatibility is judged byte by byte against the RIE's real
output (``reference/rie/*.curl`` and ``*.log``); handlers only choose which answer applies.
"""

from __future__ import annotations

import base64
import binascii
import json

from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.limits import MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES, MAX_STREAMED_RESPONSE_BYTES

TEXT_PLAIN = ("Content-Type", "text/plain; charset=utf-8")
JSON = ("Content-Type", "application/json")
FUNCTION_ERROR = ("X-Amz-Function-Error", "Unhandled")

ACCEPTED = HttpResponse(202, b'{"status":"OK"}\n', (JSON,))
RESTORED = HttpResponse(200, b"", (JSON,))
"""SnapStart: the answer to the held restore/next, once an invoke restores the snapshot."""
NOT_FOUND = HttpResponse(
    404, b"404 page not found\n", (TEXT_PLAIN, ("X-Content-Type-Options", "nosniff"))
)
INIT_CRASHED = HttpResponse(502, b"", (FUNCTION_ERROR,))
"""The RIE answers an init that died without posting init/error with an empty 502."""


def _runtime_api_error(status: int, error_type: str, message: str) -> HttpResponse:
    body = json.dumps({"errorMessage": message, "errorType": error_type}, separators=(",", ":"))
    return HttpResponse(status, body.encode() + b"\n", (JSON,))


def invalid_state_transition(from_state: str, to_state: str) -> HttpResponse:
    """403 to the runtime, e.g. a second response for one request id."""
    message = (
        f"State transition from {from_state} to {to_state} failed for runtime. "
        "Error: State transition is not allowed"
    )
    return _runtime_api_error(403, "InvalidStateTransition", message)


def invalid_request_id() -> HttpResponse:
    """400 to the runtime when it answers a request id that is not being invoked."""
    return _runtime_api_error(400, "InvalidRequestID", "Invalid request ID")


def payload_too_large(limit: int = MAX_RESPONSE_BYTES) -> HttpResponse:
    """413 to the runtime when its response exceeds ``limit`` (buffered, or streamed)."""
    message = f"Exceeded maximum allowed payload size ({limit} bytes)."
    return _runtime_api_error(413, "RequestEntityTooLarge", message)


def unknown_extension(identifier: str) -> HttpResponse:
    """403 to an extension call without an identifier, or with one never registered."""
    if not identifier:
        return _runtime_api_error(
            403,
            "Extension.MissingExtensionIdentifier",
            "Missing Lambda-Extension-Identifier header",
        )
    return _runtime_api_error(
        403, "Extension.InvalidExtensionIdentifier", "Invalid Lambda-Extension-Identifier"
    )


def request_too_large(limit: int = MAX_REQUEST_BYTES) -> HttpResponse:
    """Lambda's answer to an invoke (or a Function URL request) over its request limit."""
    message = f"Request must be smaller than {limit} bytes for the InvokeFunction operation"
    body = json.dumps({"Type": "User", "message": message}).encode()
    return HttpResponse(413, body, (JSON, ("X-Amzn-ErrorType", "RequestTooLargeException")))


def caller_payload(body: bytes) -> HttpResponse:
    """The 200 the invoke caller gets: the runtime's body, unchanged."""
    return HttpResponse(200, body, (TEXT_PLAIN,))


def function_error(body: bytes, status: int = 200) -> HttpResponse:
    """A function error as Lambda flags it (``X-Amz-Function-Error: Unhandled``), whatever
    its kind: /error, timeout, too large a response, an exit; the status stays the RIE's."""
    content_type = (TEXT_PLAIN,) if body or status == 200 else ()
    return HttpResponse(status, body, (*content_type, FUNCTION_ERROR))


def streamed_error(error_type: str, encoded_body: str) -> HttpResponse:
    """200 function error for a streamed response that ended with error trailers.

    Lambda's trailers carry the error type and the error body in base64; a body that is missing
    or not base64 is replaced by a minimal error object naming the type.
    """
    try:
        body = base64.b64decode(encoded_body, validate=True)
    except binascii.Error:
        body = b""
    if not body:
        body = json.dumps({"errorMessage": "", "errorType": error_type}).encode()
    return function_error(body)


def response_too_large(size: int) -> HttpResponse:
    """200 to the caller when the runtime's response was refused as too large."""
    body = (
        '{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size '
        f'({size} bytes) exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."}}'
    )
    return function_error(body.encode())


def stream_too_large(size: int) -> HttpResponse:
    """The caller's error when a streamed response passed Lambda's streamed limit (it is cut)."""
    body = json.dumps(
        {
            "errorType": "Function.ResponseSizeTooLarge",
            "errorMessage": f"Response payload size exceeded maximum allowed payload size "
            f"({MAX_STREAMED_RESPONSE_BYTES} bytes); the stream was cut after {size} bytes.",
        }
    )
    return function_error(body.encode())


def stream_truncated() -> HttpResponse:
    """The caller's error when the runtime hung up (or broke the framing) mid-stream."""
    message = "The runtime's streamed response ended without its last chunk."
    body = json.dumps({"errorType": "Runtime.TruncatedResponse", "errorMessage": message})
    return function_error(body.encode())


def runtime_exit_error(request_id: str, exit_reason: str) -> HttpResponse:
    """502 to the caller when the runtime died mid-invoke."""
    body = (
        '{"errorType":"Runtime.ExitError","errorMessage":"RequestId: '
        f'{request_id} Error: {exit_reason}"}}'
    )
    return function_error(body.encode(), 502)


def init_error(body: bytes) -> HttpResponse:
    """502 to the caller carrying what the runtime posted to /init/error."""
    return function_error(body, 502)


def timed_out(timeout_s: float) -> HttpResponse:
    """200 to the caller when the deadline passed; the RIE's plain-text body."""
    return function_error(f"Task timed out after {timeout_s:.2f} seconds".encode())


def log_result(tail: bytes) -> tuple[str, str]:
    """The invocation's log tail as Lambda returns it for ``X-Amz-Log-Type: Tail``."""
    return ("X-Amz-Log-Result", base64.b64encode(tail).decode("ascii"))
