"""HTTP/1.1 response framing for the Runtime API's replies, read straight off the socket.

Why not urllib3's response objects: measured on these machines, one next+response round trip
costs ~50 us when the request heads are prebuilt bytes and the reply is parsed here, against
~190 us through http.client's parser and ~280-350 us through urllib3's request/urlopen layers.
The Runtime API speaks a small, fixed dialect (status line, a few headers, a Content-Length or
chunked body), so a strict reader for exactly that is short, and it fails loudly on anything else.
"""

from __future__ import annotations

from io import BufferedReader
from time import perf_counter_ns

MAX_LINE = 65_536
MAX_HEADERS = 100
#: Far above Lambda's 6 MB payload limit: a larger length is a broken peer, not an event.
MAX_BODY = 32 * 1024 * 1024
_NO_BODY_STATUSES = frozenset({204, 304})


class ProtocolError(ConnectionError):
    """The peer sent something that is not an HTTP/1.1 response we can frame, or hung up."""


class Response:
    """One framed reply. A plain slots class: a NamedTuple costs ~0.25 ms of import (cold start)."""

    __slots__ = ("arrived_ns", "body", "close", "headers", "status")

    def __init__(
        self,
        status: int,
        headers: dict[bytes, bytes],
        body: bytes,
        arrived_ns: int,
        close: bool,
    ) -> None:
        self.status = status
        #: Header names lower-cased, values stripped; both bytes (decoding is left to callers).
        self.headers = headers
        self.body = body
        #: perf_counter_ns() when the status line arrived: the end of idle waiting.
        self.arrived_ns = arrived_ns
        #: The peer asked to close the connection after this response.
        self.close = close


def _read_line(reader: BufferedReader) -> bytes:
    line = reader.readline(MAX_LINE)
    if not line.endswith(b"\n"):
        if not line:
            raise ProtocolError("the Runtime API closed the connection")
        raise ProtocolError("response line too long or truncated")
    return line


def read_response(reader: BufferedReader) -> Response:
    """Read one complete response; raise ProtocolError when it cannot be framed."""
    status_line = _read_line(reader)
    arrived_ns = perf_counter_ns()
    if not status_line.startswith(b"HTTP/1."):
        raise ProtocolError(f"not an HTTP/1.x status line: {status_line[:40]!r}")
    try:
        status = int(status_line[9:12])
    except ValueError:
        raise ProtocolError(f"bad status line: {status_line[:40]!r}") from None
    headers: dict[bytes, bytes] = {}
    while True:
        line = _read_line(reader)
        if line == b"\r\n" or line == b"\n":
            break
        if len(headers) >= MAX_HEADERS:
            raise ProtocolError("too many response headers")
        name, sep, value = line.partition(b":")
        if not sep:
            raise ProtocolError(f"bad header line: {line[:40]!r}")
        headers[name.strip().lower()] = value.strip()
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        body = _read_chunked(reader)
    elif b"content-length" in headers:
        body = _read_exactly(reader, _length(headers[b"content-length"], "Content-Length"))
    elif status in _NO_BODY_STATUSES or status < 200:
        body = b""
    else:
        raise ProtocolError(f"HTTP {status} without Content-Length or chunked framing")
    return Response(status, headers, body, arrived_ns, _closes(status_line, headers))


def _closes(status_line: bytes, headers: dict[bytes, bytes]) -> bool:
    """Whether the peer will close after this response (HTTP/1.0 does unless kept alive)."""
    tokens = {token.strip() for token in headers.get(b"connection", b"").lower().split(b",")}
    if status_line.startswith(b"HTTP/1.0"):
        return b"keep-alive" not in tokens
    return b"close" in tokens


def _length(raw: bytes, what: str, base: int = 10) -> int:
    try:
        length = int(raw, base)
    except ValueError:
        raise ProtocolError(f"bad {what}: {raw[:40]!r}") from None
    if not 0 <= length <= MAX_BODY:
        raise ProtocolError(f"{what} out of range: {length}")
    return length


def _read_exactly(reader: BufferedReader, length: int) -> bytes:
    body = reader.read(length) if length else b""
    if len(body) != length:
        raise ProtocolError(f"connection closed after {len(body)} of {length} body bytes")
    return body


def _read_chunked(reader: BufferedReader) -> bytes:
    parts = []
    total = 0
    while True:
        size = _length(_read_line(reader).split(b";", 1)[0].strip(), "chunk size", base=16)
        if size == 0:
            while _read_line(reader) not in (b"\r\n", b"\n"):
                pass  # trailers carry nothing the runtime needs
            return b"".join(parts)
        total += size
        if total > MAX_BODY:
            raise ProtocolError(f"chunked body over {MAX_BODY} bytes")
        parts.append(_read_exactly(reader, size))
        if _read_line(reader) not in (b"\r\n", b"\n"):
            raise ProtocolError("chunk not followed by CRLF")
