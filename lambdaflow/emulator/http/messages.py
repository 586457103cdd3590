"""HTTP/1.1 messages on the wire: strict request parsing and response serialization.

Kept apart from the connection handling in ``http11`` so that the framing rules (what is
accepted, what is refused with which status) can be read in one place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

MAX_HEAD_BYTES = 64 * 1024
#: Checked before any case folding: "\u212a" (KELVIN SIGN) lower-cases to "k".
_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
#: Reason phrases: the RIE's own, pinned (Python renames some, e.g. 413 in 3.13), then the
#: standard ones for any status a Function URL's function chooses.
_REASONS = {status.value: status.phrase for status in HTTPStatus} | {
    100: "Continue",
    200: "OK",
    202: "Accepted",
    204: "No Content",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
}
_MAX_CHUNK_LINE = 1024
#: A chunk's size line: up to 16 hex digits, an optional extension (ignored), CRLF.
_CHUNK_SIZE_LINE = re.compile(rb"([0-9a-fA-F]{1,16})[ \t]*(?:;[^\r\n]{0,1000})?\r\n")


@dataclass(slots=True)
class HttpRequest:
    """One parsed request; header names are lower-case, duplicates joined with commas."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool
    #: HTTP/1.1, or HTTP/1.0: a caller that knows no chunked coding.
    version: str = "HTTP/1.1"
    #: Trailer fields of a chunked body: kept apart, never merged into ``headers``.
    trailers: Mapping[str, str] = field(default_factory=dict)
    #: The connection it came on (set by the server): Managed Instances binds a conversation
    #: to the connection of its /next.
    connection: Any = None

    @property
    def path(self) -> str:
        """The target without its query string, as routers match it."""
        return self.target.partition("?")[0]


@dataclass(slots=True)
class HttpResponse:
    """What a handler answers; Content-Length is added on the wire."""

    status: int
    body: bytes = b""
    headers: Sequence[tuple[str, str]] = field(default_factory=tuple)


class BadRequest(Exception):
    """The peer sent something this strict parser refuses; the connection is closed."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(slots=True)
class RequestHead:
    """A request whose head is parsed and whose body is still arriving."""

    request: HttpRequest
    body_start: int
    content_length: int | None
    continue_sent: bool = False


#: What a request head may not hold: control bytes other than HTAB, and a CR or LF that is
#: not part of a CRLF. A bare LF would let a caller smuggle a header into a value that is
#: copied into the runtime's /next answer (RFC 9110 5.5 allows neither in a field value).
#: Checked by removing every CRLF and mapping what is left that no head may hold to NUL (C
#: loops; a regex costs ~15 us per head).
_CONTROLS = bytes(b for b in range(0x20) if b != 0x09) + b"\x7f"
_CONTROLS_TO_NUL = bytes.maketrans(_CONTROLS, b"\0" * len(_CONTROLS))
#: A caller's value that is to be copied into a header sent on (checked by the routes).
_FORBIDDEN_IN_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def check_head_bytes(buffer: bytearray, start: int, end: int) -> None:
    """Refuse a head (or the part of one received so far) with bytes no header may hold.

    ``buffer[start:end]`` must not split a CRLF at ``end``; a CR just before ``start`` is
    taken in, so that a CRLF split by ``start`` is seen whole."""
    if start > 0 and buffer[start - 1] == 0x0D:
        start -= 1
    if b"\0" in buffer[start:end].replace(b"\r\n", b"").translate(_CONTROLS_TO_NUL):
        raise BadRequest(400, "invalid character in request head")


def is_token(name: str) -> bool:
    """True if ``name`` can be a header name (an RFC 9110 token)."""
    return bool(name) and _TOKEN_CHARS.issuperset(name)


def is_header_safe(value: str) -> bool:
    """True if ``value`` can go into a header line as it is (no control characters)."""
    return _FORBIDDEN_IN_VALUE.search(value) is None


def _field(line: str) -> tuple[str, str]:
    """One header (or trailer) line: lower-case name and trimmed value."""
    name, sep, value = line.partition(":")
    if not sep or not is_token(name):
        raise BadRequest(400, "malformed header line")
    return name.lower(), value.strip(" \t")


def parse_head(buffer: bytearray, end: int) -> RequestHead:
    """Parse the request line and headers in ``buffer[:end]`` (checked by check_head_bytes)."""
    lines = buffer[:end].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise BadRequest(400, "malformed request line")
    method, target, version = parts
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise BadRequest(400, "unsupported HTTP version")
    headers: dict[str, str] = {}
    content_lengths: set[str] = set()
    for line in lines[1:]:
        name, value = _field(line)
        if name == "content-length":
            content_lengths.add(value)
        # joined as RFC 9110 5.3 allows (Function URL events carry them so)
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
    transfer_encoding = headers.get("transfer-encoding")
    content_length: int | None = 0
    if transfer_encoding is not None:
        if content_lengths:
            raise BadRequest(400, "both Content-Length and Transfer-Encoding")
        if transfer_encoding.lower() != "chunked":
            raise BadRequest(501, "unsupported transfer encoding")
        content_length = None
    elif content_lengths:
        if len(content_lengths) > 1:
            raise BadRequest(400, "conflicting Content-Length headers")
        value = content_lengths.pop()
        if not (value.isascii() and value.isdigit()):
            raise BadRequest(400, "invalid Content-Length")
        content_length = int(value)
    request = HttpRequest(method, target, headers, b"", keep_alive, version)
    return RequestHead(request, end + 4, content_length)


class ChunkedDecoder:
    """Decodes a chunked body incrementally: each byte is looked at once, however it arrives.

    ``feed`` consumes what it has decoded from the front of the buffer (a bytearray deletes
    from its front cheaply), so memory holds the decoded body plus one partial chunk, not
    the whole encoded stream.
    """

    __slots__ = (
        "_body",
        "_in_trailers",
        "_max_body",
        "_remaining",
        "_scan",
        "_trailer_bytes",
        "_trailers",
    )

    def __init__(self, max_body: int) -> None:
        self._body = bytearray()
        self._max_body = max_body
        self._remaining = -1  # bytes of the current chunk still to come; -1: a size line
        self._trailers: dict[str, str] = {}
        self._in_trailers = False
        self._scan = 0
        self._trailer_bytes = 0

    def feed(self, buffer: bytearray) -> tuple[bytes, dict[str, str]] | None:
        """Consume from ``buffer``; (body, trailers) once the body is complete, else None."""
        if not self._in_trailers:
            del buffer[: self._decode_chunks(buffer)]
            if not self._in_trailers:
                return None
        if self._read_trailers(buffer):
            return bytes(self._body), self._trailers
        return None

    def take_body(self) -> bytes:
        """What has been decoded so far, handed out and forgotten (for a streamed body)."""
        taken = bytes(self._body)
        self._body.clear()
        return taken

    def _decode_chunks(self, buffer: bytearray) -> int:
        """Decode the whole chunks at the front of ``buffer``; return the bytes consumed.

        One regex match per chunk reads its size line (hex digits, an ignored extension): a
        body sent in 1-byte chunks costs ~0.5 us per chunk, not a re-parse per read.
        """
        body, match, end = self._body, _CHUNK_SIZE_LINE.match, len(buffer)
        remaining, position = self._remaining, 0
        while True:
            if remaining < 0:
                line = match(buffer, position)
                if line is None:
                    if buffer.find(b"\n", position, position + _MAX_CHUNK_LINE) >= 0:
                        raise BadRequest(400, "invalid chunk size")
                    if end - position > _MAX_CHUNK_LINE:
                        raise BadRequest(400, "chunk size line too long")
                    break
                remaining = int(line.group(1), 16)
                if len(body) + remaining > self._max_body:
                    raise BadRequest(413, "request body too large")
                position = line.end()
                if remaining == 0:
                    self._in_trailers = True
                    break
            stop = position + remaining
            if end < stop + 2:
                # take what has come of this chunk now: a streamed body is relayed as it
                # arrives, and a buffered one holds no partial chunk in the receive buffer
                taken = min(end, stop) - position
                if taken > 0:
                    body += memoryview(buffer)[position : position + taken]
                    position += taken
                    remaining -= taken
                break
            if buffer[stop : stop + 2] != b"\r\n":
                raise BadRequest(400, "chunk not terminated by CRLF")
            body += memoryview(buffer)[position:stop]
            position = stop + 2
            remaining = -1
        self._remaining = remaining
        return position

    def _read_trailers(self, buffer: bytearray) -> bool:
        """Trailer fields until the empty line, each bounded like a head; True when complete.

        A line is searched once: ``_scan`` remembers how far an incomplete one was looked at.
        """
        while True:
            newline = buffer.find(b"\n", self._scan, MAX_HEAD_BYTES)
            if newline < 0:
                if len(buffer) + self._trailer_bytes >= MAX_HEAD_BYTES:
                    raise BadRequest(400, "trailers too large")
                self._scan = len(buffer)
                return False
            self._scan = 0
            if newline == 0 or buffer[newline - 1] != 0x0D:
                raise BadRequest(400, "bare LF in trailers")
            line_end = newline - 1
            check_head_bytes(buffer, 0, line_end)
            if line_end == 0:
                del buffer[:2]
                return True
            self._trailer_bytes += newline + 1
            if self._trailer_bytes > MAX_HEAD_BYTES:
                raise BadRequest(400, "trailers too large")  # bounded like the head
            name, value = _field(buffer[:line_end].decode("latin-1"))
            self._trailers[name] = value
            del buffer[: newline + 1]


def has_no_body(status: int) -> bool:
    """1xx, 204 and 304 answers end at their head (RFC 9112 6.3): bytes after it would be read
    as the answer to the caller's next request."""
    return status < 200 or status == 204 or status == 304


def _head_lines(status: int, headers: Sequence[tuple[str, str]]) -> list[str]:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}\r\n"]
    lines.extend(f"{name}: {value}\r\n" for name, value in headers)
    return lines


def encode_response(response: HttpResponse, keep_alive: bool) -> bytes:
    """Serialize the status line and headers; the body follows them on the wire (not for HEAD,
    whose Content-Length still says what a GET would get, nor for a status without a body)."""
    status = response.status
    lines = _head_lines(status, response.headers)
    if not has_no_body(status):
        lines.append(f"Content-Length: {len(response.body)}\r\n")
    if not keep_alive:
        lines.append("Connection: close\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("latin-1")


def encode_streamed_head(
    status: int, headers: Sequence[tuple[str, str]], keep_alive: bool, chunked: bool = True
) -> bytes:
    """The head of a response whose body follows in chunks (``streamed_response``), or without
    framing until the connection closes (``chunked`` False); a status without a body gets
    none."""
    lines = _head_lines(status, headers)
    if chunked and not has_no_body(status):
        lines.append("Transfer-Encoding: chunked\r\n")
    if not keep_alive:
        lines.append("Connection: close\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("latin-1")
