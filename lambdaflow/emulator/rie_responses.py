"""The exact status codes, headers and bodies the AWS RIE answers with.

Kept in one place because drop-in compatibility is judged byte by byte against the RIE's real
output (``reference/rie/*.curl`` and ``*.log``); handlers only choose which answer applies.
"""

from __future__ import annotations

import base64
import binascii
import json

from lambdaflow.emulator.http_messages import HttpResponse
from lambdaflow.limits import MAX_RESPONSE_BYTES

TEXT_PLAIN = ("Content-Type", "text/plain; charset=utf-8")
JSON = ("Content-Type", "application/json")
FUNCTION_ERROR = ("X-Amz-Function-Error", "Unhandled")

ACCEPTED = HttpResponse(202, b'{"status":"OK"}\n', (JSON,))
NOT_FOUND = HttpResponse(
    404, b"404 page not found\n", (TEXT_PLAIN, ("X-Content-Type-Options", "nosniff"))
)
INIT_CRASHED = HttpResponse(502)
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


def payload_too_large() -> HttpResponse:
    """413 to the runtime when its response exceeds ``MAX_RESPONSE_BYTES``."""
    message = f"Exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."
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


def caller_payload(body: bytes, function_error: bool = False) -> HttpResponse:
    """The 200 the invoke caller gets: the runtime's body, unchanged."""
    headers = (TEXT_PLAIN, FUNCTION_ERROR) if function_error else (TEXT_PLAIN,)
    return HttpResponse(200, body, headers)


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
    return caller_payload(body, function_error=True)


def response_too_large(size: int) -> HttpResponse:
    """200 to the caller when the runtime's response was refused as too large."""
    body = (
        '{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size '
        f'({size} bytes) exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."}}'
    )
    return caller_payload(body.encode(), function_error=True)


def runtime_exit_error(request_id: str, exit_reason: str) -> HttpResponse:
    """502 to the caller when the runtime died mid-invoke."""
    body = (
        '{"errorType":"Runtime.ExitError","errorMessage":"RequestId: '
        f'{request_id} Error: {exit_reason}"}}'
    )
    return HttpResponse(502, body.encode(), (TEXT_PLAIN,))


def init_error(body: bytes) -> HttpResponse:
    """502 to the caller carrying what the runtime posted to /init/error."""
    return HttpResponse(502, body, (TEXT_PLAIN,) if body else ())


def timed_out(timeout_s: float) -> HttpResponse:
    """200 to the caller when the deadline passed; the RIE's plain-text body."""
    return caller_payload(f"Task timed out after {timeout_s:.2f} seconds".encode(), True)


def with_log_tail(answer: HttpResponse, tail: bytes) -> HttpResponse:
    """Attach the invocation's log tail as Lambda does for ``X-Amz-Log-Type: Tail``."""
    header = ("X-Amz-Log-Result", base64.b64encode(tail).decode("ascii"))
    return HttpResponse(answer.status, answer.body, (*answer.headers, header))
