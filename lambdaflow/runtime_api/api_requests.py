"""Each Runtime API and Extensions API call as a small value that renders its own request bytes.

In the manner of the Rust runtime's `requests.rs`: a call is data (what to send), rendering is a
pure function of it (tested byte for byte), and sending is the client's business (`connection`,
`client`). Each value's name ends in `Request`, as the Rust runtime's do. Every value that reaches a
request line or a header is checked or escaped here, so nothing a peer sends (a request id, an
extension identifier) can change which endpoint a request goes to.

`render(common)` returns the head and the body separately, so a megabyte body is not copied
into the head; `common` is the Host/User-Agent lines the connection renders once.
"""

from __future__ import annotations

import ujson

from ..errors import header_error_type

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RUNTIME = b"/2018-06-01/runtime"
EXTENSION = b"/2020-01-01/extension"
JSON = b"Content-Type: application/json\r\n"
#: A request id that may go into a path as it is: RFC 3986 unreserved characters only.
#: (Byte sets checked with `bytes.translate`, not regular expressions: compiling two patterns
#: cost ~1 ms of cold start.)
_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-"
#: A header value we send: visible ASCII and spaces (not first), nothing that could end the line.
_VISIBLE_OR_SPACE = bytes(range(0x20, 0x7F))


def _only(value: bytes, allowed: bytes) -> bool:
    """Whether `value` is non-empty and made of `allowed` bytes only."""
    return bool(value) and not value.translate(None, allowed)


def path_segment(raw: bytes) -> tuple[bytes, bool]:
    """`raw` as one path segment, and whether it had to be percent-escaped to be one."""
    if _only(raw, _UNRESERVED) and raw not in (b".", b".."):
        return raw, False
    if raw in (b".", b".."):  # unreserved, but a path normaliser would climb up with it
        return raw.replace(b".", b"%2E"), True
    from urllib.parse import quote_from_bytes  # an odd id only (with ipaddress: ~2 ms at start)

    return quote_from_bytes(raw, safe="-_.~").encode("ascii"), True


def header_value(value: bytes, what: str) -> bytes:
    """`value`, if it may go into a header line as it is; ValueError otherwise."""
    if not _only(value, _VISIBLE_OR_SPACE) or value[0] == 0x20:
        raise ValueError(f"{what} is not a valid header value: {value[:60]!r}")
    return value


def _json(value: Any) -> bytes:
    # ASCII-escaped: a message with lone surrogates must still be sendable as UTF-8
    return ujson.dumps(value, escape_forward_slashes=False).encode()


def _length(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body)


def _error_headers(payload: dict[str, Any]) -> bytes:
    return (
        JSON
        + b"Lambda-Runtime-Function-Error-Type: "
        + header_error_type(payload["errorType"]).encode("ascii")
        + b"\r\n"
    )


class NextRequest:
    """GET /runtime/invocation/next: wait for the next event (no read timeout: we are frozen)."""

    __slots__ = ()

    def render(self, common: bytes) -> tuple[bytes, bytes]:
        return b"GET %s/invocation/next HTTP/1.1\r\n%s\r\n" % (RUNTIME, common), b""


class ResponseRequest:
    """POST /runtime/invocation/{id}/response with a buffered body."""

    __slots__ = ("body", "request_id")

    def __init__(self, request_id: bytes, body: bytes) -> None:
        #: Already a safe path segment (`path_segment`), as client.Invocation holds it.
        self.request_id = request_id
        self.body = body

    def render(self, common: bytes) -> tuple[bytes, bytes]:
        body = self.body
        head = b"POST %s/invocation/%s/response HTTP/1.1\r\n%s%s%s" % (
            RUNTIME, self.request_id, common, JSON, _length(body),
        )
        return head, body


class StreamedResponseRequest:
    """The head of a streamed POST /runtime/invocation/{id}/response; chunks follow it."""

    __slots__ = ("content_type", "request_id")

    def __init__(self, request_id: bytes, content_type: bytes = b"application/octet-stream"):
        self.request_id = request_id
        self.content_type = header_value(content_type, "content type")

    def render(self, common: bytes) -> tuple[bytes, bytes]:
        head = (
            b"POST %s/invocation/%s/response HTTP/1.1\r\n%sContent-Type: %s\r\n"
            b"Lambda-Runtime-Function-Response-Mode: streaming\r\n"
            b"Transfer-Encoding: chunked\r\n"
            b"Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n"
            b"\r\n" % (RUNTIME, self.request_id, common, self.content_type)
        )
        return head, b""


#: Ends a chunked body's chunk (after its data).
CHUNK_END = b"\r\n"
#: How much of a streamed error's base64 body goes into its trailer; trimmed to fit (the
#: trailers are bounded like a head by a Runtime API: lambdaflow's emulator takes 64 KiB).
STREAM_ERROR_BODY_LIMIT = 16 * 1024


def chunk_head(size: int) -> bytes:
    """The size line of a chunk of `size` bytes (more than 0: a 0 ends the body)."""
    return b"%x\r\n" % size


def stream_end(payload: dict[str, Any] | None) -> bytes:
    """The last chunk of a streamed response, with the error trailers if it failed midway:
    the error type (as the /error header has it) and the error payload as base64 JSON."""
    if payload is None:
        return b"0\r\n\r\n"
    return (
        b"0\r\nLambda-Runtime-Function-Error-Type: %s\r\n"
        b"Lambda-Runtime-Function-Error-Body: %s\r\n\r\n"
        % (header_error_type(payload["errorType"]).encode("ascii"), _error_body(payload))
    )


def _error_body(payload: dict[str, Any]) -> bytes:
    """base64 of the error JSON, at most STREAM_ERROR_BODY_LIMIT: the stack is cut first (its
    outermost frames stay), then the message."""
    import base64  # the error path only

    while True:
        encoded = base64.b64encode(_json(payload))
        if len(encoded) <= STREAM_ERROR_BODY_LIMIT:
            return encoded
        stack = payload["stackTrace"]
        if stack:
            payload = {**payload, "stackTrace": stack[: len(stack) // 2]}
        else:
            message = payload["errorMessage"]
            payload = {**payload, "errorMessage": message[: len(message) // 2] + "...(truncated)",
                       "errorType": payload["errorType"][:256]}


class ErrorRequest:
    """POST /runtime/invocation/{id}/error: the invocation failed (`errors.exception_payload`)."""

    __slots__ = ("payload", "request_id", "xray_cause")

    def __init__(
        self, request_id: bytes, payload: dict[str, Any], xray_cause: bytes | None = None
    ) -> None:
        self.request_id = request_id
        self.payload = payload
        #: `errors.xray_error_cause`: ASCII JSON, so safe in a header as it is.
        self.xray_cause = xray_cause

    def render(self, common: bytes) -> tuple[bytes, bytes]:
        body = _json(self.payload)
        cause = b""
        if self.xray_cause is not None:
            cause = b"Lambda-Runtime-Function-XRay-Error-Cause: %s\r\n" % self.xray_cause
        head = b"POST %s/invocation/%s/error HTTP/1.1\r\n%s%s%s%s" % (
            RUNTIME, self.request_id, common, _error_headers(self.payload), cause, _length(body),
        )
        return head, body


class _FailureRequest:
    """A failure outside any invocation, posted to a fixed path (init error, restore error)."""

    __slots__ = ("payload",)
    path = b""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload

    def render(self, common: bytes) -> tuple[bytes, bytes]:
        body = _json(self.payload)
        head = b"POST %s%s HTTP/1.1\r\n%s%s%s" % (
            RUNTIME, self.path, common, _error_headers(self.payload), _length(body),
        )
        return head, body


class InitErrorRequest(_FailureRequest):
    """POST /runtime/init/error: the function could not start."""

    __slots__ = ()
    path = b"/init/error"


class RestoreErrorRequest(_FailureRequest):
    """POST /runtime/restore/error: an after-restore hook failed (SnapStart)."""

    __slots__ = ()
    path = b"/restore/error"


class RestoreNextRequest:
    """GET /runtime/restore/next: returns once the snapshot has been restored (SnapStart)."""

    __slots__ = ()

    def render(self, common: bytes) -> tuple[bytes, bytes]:
        return b"GET %s/restore/next HTTP/1.1\r\n%s\r\n" % (RUNTIME, common), b""


class ExtensionRegisterRequest:
    """POST /2020-01-01/extension/register: an internal extension subscribing to `events`."""

    __slots__ = ("events", "name")

    def __init__(self, name: str, events: tuple[str, ...] = ()) -> None:
        self.name = header_value(name.encode("ascii"), "extension name")
        self.events = events

    def render(self, common: bytes) -> tuple[bytes, bytes]:
        body = _json({"events": list(self.events)})
        head = b"POST %s/register HTTP/1.1\r\n%sLambda-Extension-Name: %s\r\n%s%s" % (
            EXTENSION, common, self.name, JSON, _length(body),
        )
        return head, body


class ExtensionNextRequest:
    """GET /2020-01-01/extension/event/next: blocks until Lambda has an event for extensions."""

    __slots__ = ("identifier",)

    def __init__(self, identifier: bytes) -> None:
        #: From the register reply's Lambda-Extension-Identifier: a peer's bytes, so checked.
        self.identifier = header_value(identifier, "extension identifier")

    def render(self, common: bytes) -> tuple[bytes, bytes]:
        head = b"GET %s/event/next HTTP/1.1\r\n%sLambda-Extension-Identifier: %s\r\n\r\n" % (
            EXTENSION, common, self.identifier,
        )
        return head, b""


#: The one /next value: it carries no data.
NEXT = NextRequest()
