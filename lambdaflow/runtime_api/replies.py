"""HTTP/1.1 response framing for the Runtime API's replies, read straight off the socket.

Why not urllib3's response objects: measured on these machines, one next+response round trip
costs ~50 us when the request heads are prebuilt bytes and the reply is parsed here, against
~190 us through http.client's parser and ~280-350 us through urllib3's request/urlopen layers.
The Runtime API speaks a small, fixed dialect (status line, a few headers, a Content-Length or
chunked body), so a strict reader for exactly that is short, and it fails loudly on anything else:
ambiguous framing (both Transfer-Encoding and Content-Length, two different Content-Lengths)
is an error, never a guess, since a wrong guess reads the next reply out of this one's body.
"""

from __future__ import annotations

from io import BufferedReader
from time import perf_counter_ns

#: A header line may be this long: Lambda sends trace and tenant ids that awslambdaric serves up
#: to ~70 KB, and a hostile-input pass found 130 KB ones; longer lines are skipped, not fatal.
MAX_LINE = 256 * 1024
#: The whole head (status line and headers), oversized lines included: beyond it, give up.
MAX_HEAD = 1024 * 1024
MAX_HEADERS = 100
#: Far above Lambda's 6 MB payload limit: a larger length is a broken peer, not an event.
MAX_BODY = 32 * 1024 * 1024
_NO_BODY_STATUSES = frozenset({204, 304})
_DIGITS = b"0123456789"
_HEX_DIGITS = b"0123456789abcdefABCDEF"


class ProtocolError(ConnectionError):
    """The peer sent something that is not an HTTP/1.1 response we can frame, or hung up.

    `headers` holds the reply's headers when its head arrived whole before the failure (a body
    cut short, ambiguous framing), so the caller can still tell which invocation it was.
    """

    def __init__(self, message: str, headers: dict[bytes, bytes] | None = None) -> None:
        super().__init__(message)
        self.headers = headers


class Reply:
    """One framed reply. A plain slots class: a NamedTuple costs ~0.25 ms of import (cold start)."""

    __slots__ = ("arrived_ns", "body", "close", "headers", "skipped", "status")

    def __init__(
        self,
        status: int,
        headers: dict[bytes, bytes],
        body: bytes,
        arrived_ns: int,
        close: bool,
        skipped: tuple[bytes, ...] = (),
    ) -> None:
        self.status = status
        #: Header names lower-cased, values stripped; both bytes (decoding is left to callers).
        self.headers = headers
        self.body = body
        #: perf_counter_ns() when the status line arrived: the end of idle waiting.
        self.arrived_ns = arrived_ns
        #: The peer asked to close the connection after this response.
        self.close = close
        #: Names of header lines longer than MAX_LINE, read past and left out of `headers`.
        self.skipped = skipped


def _read_line(reader: BufferedReader) -> bytes:
    line = reader.readline(MAX_LINE)
    if not line.endswith(b"\n"):
        if not line:
            raise ProtocolError("the Runtime API closed the connection")
        raise ProtocolError("response line too long or truncated")
    return line


def _skip_rest_of_line(reader: BufferedReader, budget: int) -> int:
    """Read past the rest of an oversized line; return how many bytes that took."""
    used = 0
    while True:
        piece = reader.readline(MAX_LINE)
        used += len(piece)
        if piece.endswith(b"\n"):
            return used
        if not piece:
            raise ProtocolError("the Runtime API closed the connection mid-header")
        if used > budget:
            raise ProtocolError(f"response head over {MAX_HEAD} bytes")


def read_response(reader: BufferedReader) -> Reply:
    """Read one complete final response (1xx ones are skipped); raise ProtocolError when it
    cannot be framed."""
    while True:
        status_line = _read_line(reader)
        arrived_ns = perf_counter_ns()
        if not status_line.startswith(b"HTTP/1."):
            raise ProtocolError(f"not an HTTP/1.x status line: {status_line[:40]!r}")
        try:
            status = int(status_line[9:12])
        except ValueError:
            raise ProtocolError(f"bad status line: {status_line[:40]!r}") from None
        headers, skipped = _read_headers(reader, MAX_HEAD - len(status_line))
        if status >= 200 or status == 101:
            break  # 100 Continue, 102, 103: interim, the real reply follows
    body = _read_body(reader, status, headers)
    return Reply(status, headers, body, arrived_ns, _closes(status_line, headers), skipped)


def _read_headers(
    reader: BufferedReader, budget: int
) -> tuple[dict[bytes, bytes], tuple[bytes, ...]]:
    """The header lines up to the empty one: taken from the reader's buffer in one piece when
    the whole head is there in CRLF lines (as a reply's nearly always is), else line by line."""
    buffered = reader.peek(1)
    end = buffered.find(b"\r\n\r\n")
    if end > 0 and end + 4 <= budget and not buffered.startswith((b"\r\n", b"\n")):
        head = buffered[:end]
        lines = head.split(b"\r\n")
        # no bare LF (which would end a line, or the head, earlier), no more lines than allowed:
        # anything else takes the line-by-line path, which says what is wrong with it
        if head.count(b"\n") == len(lines) - 1 and len(lines) <= MAX_HEADERS:
            reader.read(end + 4)
            headers: dict[bytes, bytes] = {}
            for line in lines:
                _add_header(headers, line, b"\r\n")
            return headers, ()
    return _read_header_lines(reader, budget)


def _read_header_lines(
    reader: BufferedReader, budget: int
) -> tuple[dict[bytes, bytes], tuple[bytes, ...]]:
    headers: dict[bytes, bytes] = {}
    skipped: list[bytes] = []
    while True:
        line = reader.readline(MAX_LINE)
        budget -= len(line)
        if not line.endswith(b"\n"):
            if not line:
                raise ProtocolError("the Runtime API closed the connection")
            budget -= _skip_rest_of_line(reader, budget)
            skipped.append(line.partition(b":")[0].strip().lower()[:64])
            continue
        if budget < 0:
            raise ProtocolError(f"response head over {MAX_HEAD} bytes")
        if line == b"\r\n" or line == b"\n":
            return headers, tuple(skipped)
        if len(headers) >= MAX_HEADERS:
            raise ProtocolError("too many response headers")
        _add_header(headers, line)


def _add_header(headers: dict[bytes, bytes], line: bytes, ending: bytes = b"") -> None:
    """Add one header line (`ending`: its line ending, when split off already)."""
    name, sep, value = line.partition(b":")
    if not sep:
        raise ProtocolError(f"bad header line: {(line + ending)[:40]!r}")
    name = name.strip().lower()
    value = value.strip()
    if name == b"content-length" and headers.get(name, value) != value:
        raise ProtocolError("two different Content-Length headers", headers)
    headers[name] = value


def _read_body(reader: BufferedReader, status: int, headers: dict[bytes, bytes]) -> bytes:
    encoding = headers.get(b"transfer-encoding")
    if encoding is not None:
        if b"content-length" in headers:
            raise ProtocolError("both Transfer-Encoding and Content-Length", headers)
        if encoding.lower() != b"chunked":
            raise ProtocolError(f"unsupported Transfer-Encoding: {encoding[:40]!r}", headers)
        return _guarded(_read_chunked, reader, headers)
    if b"content-length" in headers:
        length = _length(headers[b"content-length"], "Content-Length", headers=headers)
        return _guarded(_read_exactly, reader, headers, length)
    if status in _NO_BODY_STATUSES or status < 200:
        return b""
    raise ProtocolError(f"HTTP {status} without Content-Length or chunked framing", headers)


def _guarded(read, reader: BufferedReader, headers: dict[bytes, bytes], *args: int) -> bytes:
    """Run a body reader; a failure keeps the head it belongs to."""
    try:
        return read(reader, *args)
    except ProtocolError as exc:
        if exc.headers is None:
            exc.headers = headers
        raise


def _closes(status_line: bytes, headers: dict[bytes, bytes]) -> bool:
    """Whether the peer will close after this response (HTTP/1.0 does unless kept alive)."""
    tokens = {token.strip() for token in headers.get(b"connection", b"").lower().split(b",")}
    if status_line.startswith(b"HTTP/1.0"):
        return b"keep-alive" not in tokens
    return b"close" in tokens


def _length(
    raw: bytes, what: str, base: int = 10, headers: dict[bytes, bytes] | None = None
) -> int:
    # int() alone would take "+5", " 5" and "1_0": a length is digits and nothing else
    digits = _HEX_DIGITS if base == 16 else _DIGITS
    if not raw or raw.strip(digits):
        raise ProtocolError(f"bad {what}: {raw[:40]!r}", headers)
    length = int(raw, base)
    if not 0 <= length <= MAX_BODY:
        raise ProtocolError(f"{what} out of range: {length}", headers)
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
