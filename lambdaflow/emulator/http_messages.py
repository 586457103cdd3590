"""HTTP/1.1 messages on the wire: strict request parsing and response serialization.

Kept apart from the connection handling in ``http11`` so that the framing rules (what is
accepted, what is refused with which status) can be read in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_HEAD_BYTES = 64 * 1024
_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz")
_REASONS = {
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
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


@dataclass(slots=True)
class HttpRequest:
    """One parsed request; header names are lower-case, the last duplicate wins."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool
    #: Trailer fields of a chunked body: kept apart, never merged into ``headers``.
    trailers: dict[str, str] = field(default_factory=dict)

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


def _field(line: str) -> tuple[str, str]:
    """One header (or trailer) line: lower-case name and trimmed value."""
    name, sep, value = line.partition(":")
    name = name.lower()
    if not sep or not name or not _TOKEN_CHARS.issuperset(name):
        raise BadRequest(400, "malformed header line")
    return name, value.strip(" \t")


def parse_head(buffer: bytearray, end: int) -> RequestHead:
    """Parse the request line and headers in ``buffer[:end]``."""
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
        headers[name] = value
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
    return RequestHead(
        HttpRequest(method, target, headers, b"", keep_alive), end + 4, content_length
    )


def parse_chunked(
    buffer: bytearray, start: int, max_body: int
) -> tuple[bytes, dict[str, str], int] | None:
    """Decode a chunked body at ``start``: (body, trailers, end offset), None if incomplete."""
    pieces: list[bytes] = []
    size_total = 0
    position = start
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            if len(buffer) - position > 1024:
                raise BadRequest(400, "chunk size line too long")
            return None
        size_text = bytes(buffer[position:line_end]).split(b";", 1)[0].strip()
        if not size_text or not _HEX_DIGITS.issuperset(size_text):
            raise BadRequest(400, "invalid chunk size")
        size = int(size_text, 16)
        position = line_end + 2
        if size == 0:
            trailers: dict[str, str] = {}
            trailers_start = position
            line_end = buffer.find(b"\r\n", position)
            while line_end > position:  # trailer fields until the empty line
                name, value = _field(buffer[position:line_end].decode("latin-1"))
                trailers[name] = value
                position = line_end + 2
                line_end = buffer.find(b"\r\n", position)
            if len(buffer) - trailers_start > MAX_HEAD_BYTES and line_end < 0:
                raise BadRequest(400, "trailers too large")  # bounded like the head
            if line_end < 0:
                return None
            return b"".join(pieces), trailers, line_end + 2
        size_total += size
        if size_total > max_body:
            raise BadRequest(413, "request body too large")
        if len(buffer) < position + size + 2:
            return None
        if buffer[position + size : position + size + 2] != b"\r\n":
            raise BadRequest(400, "chunk not terminated by CRLF")
        pieces.append(bytes(buffer[position : position + size]))
        position += size + 2


def encode_response(response: HttpResponse, keep_alive: bool) -> bytes:
    """Serialize the status line and headers; the body follows them on the wire."""
    status = response.status
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}\r\n"]
    lines.extend(f"{name}: {value}\r\n" for name, value in response.headers)
    if status != 204:
        lines.append(f"Content-Length: {len(response.body)}\r\n")
    if not keep_alive:
        lines.append("Connection: close\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("latin-1")
