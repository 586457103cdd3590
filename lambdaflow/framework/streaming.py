"""Streamed responses: a handler's chunks as it yields them, the HTTP integration prelude, the
size limit, and the error that ends a stream early.

Knows nothing of sockets: `Stream.chunks()` is pulled by whoever delivers the bytes (the Runtime
API client, chunk by chunk onto the wire; the test client, into a list), so both run the same
code. Before anything is sent, `Stream.start()` runs the handler up to its first chunk: a
failure there is an ordinary error answer (/error), not a broken stream. After that, a failure
(the generator raises, a chunk is not bytes or str, the size limit) ends the stream and is told
in its trailers (`failed`). An async generator streams through the same class: only the pulling
of the next item differs (`_AwaitedChunks`, each `__anext__` awaited on the process's loop).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping, Sequence
from time import perf_counter_ns
from types import AsyncGeneratorType, GeneratorType

import ujson

from ..errors import MarshalError, ResponseSizeTooLarge
from ..limits import MAX_STREAMED_RESPONSE_BYTES
from ..observability.metrics_record import SUCCESS
from .phases import Handled, streamed_failure

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: The body's content type for a plain stream (what the Rust and Node.js runtimes default to).
OCTET_STREAM = b"application/octet-stream"
#: Function URLs and API Gateway: a JSON prelude, 8 NUL bytes, then the body.
HTTP_INTEGRATION = b"application/vnd.awslambda.http-integration-response"
PRELUDE_DELIMITER = b"\0" * 8
#: RFC 9110 token characters: what an HTTP header name is made of.
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
#: Control characters (CR, LF and NUL among them) that would end or corrupt a header line.
_CONTROL = r"[\x00-\x08\x0a-\x1f\x7f]"


class HttpStream:
    """A streamed HTTP response for a Function URL or API Gateway: status, headers and cookies
    go first (the prelude), then `body`'s chunks as they are produced.

        @app.handler
        def handle(event: dict) -> HttpStream:
            return HttpStream(headers={"Content-Type": "text/plain"}, body=tokens())

    Headers and cookies are checked here, where the mistake is made: a CR, LF or NUL in one
    would let a value become a second header at the caller.
    """

    __slots__ = ("body", "cookies", "headers", "status_code")

    def __init__(
        self,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        cookies: Sequence[str] = (),
        body: Iterable[bytes | str] | bytes | str = (),
    ) -> None:
        if status_code in BODILESS_STATUSES:  # HTTP sends no body with these: nothing to stream
            raise ValueError(f"HttpStream cannot stream a {status_code}, which has no body; "
                             "return it as a buffered response")
        check_http_head(status_code, headers or {}, cookies, "HttpStream")
        self.status_code = status_code
        self.headers = dict(headers or {})
        self.cookies = list(cookies)
        self.body = body

    def prelude(self) -> bytes:
        """The prelude as the HTTP integration content type has it: JSON, then 8 NUL bytes."""
        fields = {"statusCode": self.status_code, "headers": self.headers, "cookies": self.cookies}
        return ujson.dumps(fields, escape_forward_slashes=False).encode() + PRELUDE_DELIMITER


#: Final statuses HTTP sends without a body (1xx are no final answer at all).
BODILESS_STATUSES = frozenset((204, 304))


def check_http_head(
    status_code: Any, headers: Mapping[str, Any], cookies: Sequence[str], what: str
) -> None:
    """Refuse (ValueError) a status, header or cookie that cannot go out as it is: a final
    status (200-599), header names that are tokens, no control character in any value."""
    if status_code.__class__ is not int or not 200 <= status_code <= 599:
        raise ValueError(f"{what} status_code must be an int from 200 to 599, got "
                         f"{status_code!r}")
    for name, value in headers.items():
        if name.__class__ is not str or not re.fullmatch(_TOKEN, name):
            raise ValueError(f"{what} header name {name!r} is not an HTTP token")
        _check_text(value, f"{what} header {name!r}")
    if isinstance(cookies, str):
        raise ValueError(f"{what} cookies must be a list of Set-Cookie values, not a str")
    for cookie in cookies:
        _check_text(cookie, f"{what} cookie")


def _check_text(value: Any, what: str) -> None:
    if value.__class__ is not str:
        raise ValueError(f"{what} must be a str, got {type(value).__name__}")
    bad = re.search(_CONTROL, value)  # re's cache: compiled at the first HttpStream, not import
    if bad:
        raise ValueError(f"{what} contains the control character {bad.group()!r}: {value[:60]!r}")


class Stream:
    """One streamed response: built from what the handler returned, started (up to its first
    chunk) before anything is sent, then pulled chunk by chunk.

    `limit` is the most bytes sent (prelude included); the chunk that would cross it is not
    sent, and the stream ends with ResponseSizeTooLarge. Nothing is kept once it is sent.
    """

    __slots__ = (
        "_first",
        "_rest",
        "_result",
        "content_type",
        "ended_ns",
        "failed",
        "first_byte_ns",
        "limit",
        "prelude",
        "sent",
    )

    def __init__(self, result: Any, limit: int = MAX_STREAMED_RESPONSE_BYTES) -> None:
        self._result = result
        self.limit = limit
        self.content_type = OCTET_STREAM
        #: The HttpStream prelude (sent first, counted in `sent`), or None.
        self.prelude: bytes | None = None
        #: Body bytes handed to the consumer so far.
        self.sent = 0
        #: perf_counter_ns() once the first body chunk has been taken (written, for the
        #: Runtime API client), and once the stream has ended; 0 until then.
        self.first_byte_ns = 0
        self.ended_ns = 0
        #: The error answer of a stream that ended early (its trailers), or None.
        self.failed: Handled | None = None
        self._first: bytes | None = None
        self._rest: Iterator[Any] = iter(())

    def start(self) -> None:
        """Run the handler up to its first non-empty chunk; what it raises goes to the caller
        (an ordinary error answer, nothing having been sent)."""
        body = self._result
        self._result = None
        if body.__class__ is HttpStream:
            self.content_type = HTTP_INTEGRATION
            self.prelude = body.prelude()
            body = body.body
        if isinstance(body, (bytes, str)):
            body = (body,)
        elif isinstance(body, AsyncIterable):
            body = _AwaitedChunks(body)
        elif not isinstance(body, Iterable) or isinstance(body, Mapping):
            raise MarshalError(
                f"the handler streams, but returned {type(body).__name__}: return an iterator "
                "of bytes or str (a generator), or an HttpStream"
            )
        rest = self._rest = iter(body)
        for item in rest:
            chunk = _as_bytes(item)
            if chunk:  # an empty chunk would end the chunked body: skipped
                self._first = chunk
                return
        self._first = b""  # an empty stream

    def chunks(self) -> Iterator[bytes]:
        """The stream's bytes, each as soon as the handler yields it (`start` first)."""
        first, self._first = self._first, None
        assert first is not None, "start() the stream first"
        try:
            if self.prelude is not None and self._take(self.prelude):
                yield self.prelude
            if first and self._take(first):
                yield first
            self.first_byte_ns = perf_counter_ns()
            if self.failed is not None:
                return
            for item in self._rest:
                chunk = _as_bytes(item)
                if not chunk:
                    continue
                if not self._take(chunk):
                    return
                yield chunk
        except BaseException as exc:  # user code may raise anything (GeneratorExit aside)
            if isinstance(exc, GeneratorExit):
                raise  # the consumer stopped (a broken connection): the finally closes up
            self.failed = streamed_failure(exc)
        finally:
            self.ended_ns = perf_counter_ns()
            close = getattr(self._rest, "close", None)
            if close is not None:
                close()  # a generator cut short runs its finally blocks now

    @property
    def outcome(self) -> str:
        return SUCCESS if self.failed is None else self.failed.outcome

    def _take(self, chunk: bytes) -> bool:
        """Count `chunk` in; False (the stream fails) if it would cross the limit."""
        total = self.sent + len(chunk)
        if total > self.limit:
            exc = ResponseSizeTooLarge(
                f"The streamed response would exceed the maximum of {self.limit} bytes "
                f"(Lambda's limit): cut after {self.sent} bytes."
            )
            self.failed = streamed_failure(exc)
            return False
        self.sent = total
        return True


class _AwaitedChunks:
    """An async iterator's items pulled from sync code: each `__anext__` awaited on the
    process's one loop (`async_loop`), so the handler's clients made in cold_start still work;
    `close` awaits `aclose` there, so a stream cut short runs the generator's finally blocks."""

    __slots__ = ("_iterator", "_run")

    def __init__(self, iterable: AsyncIterable[Any]) -> None:
        from .async_loop import shared  # asyncio only for a handler that streams asynchronously

        self._iterator = iterable.__aiter__()
        self._run = shared().run

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        item = self._run(_next_or_end(self._iterator))
        if item is _END:
            raise StopIteration
        return item

    def close(self) -> None:
        aclose = getattr(self._iterator, "aclose", None)
        if aclose is not None:
            self._run(aclose())


#: What `_next_or_end` returns once the async iterator is exhausted.
_END = object()


async def _next_or_end(iterator: AsyncIterator[Any]) -> Any:
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:  # not raised out of the task: a sentinel is plainer
        return _END


def _as_bytes(item: Any) -> bytes:
    if item.__class__ is bytes:
        return item
    if item.__class__ is str:
        return item.encode()
    if isinstance(item, (bytes, bytearray, memoryview)):
        return bytes(item)
    raise MarshalError(
        f"a streamed chunk must be bytes or str, got {type(item).__name__}"
    )


def open_stream(result: Any) -> Stream:
    """Plan.stream of a handler that always streams (generator function, iterator annotation)."""
    return Stream(result)


def open_if_streamed(result: Any) -> Stream | None:
    """Plan.stream of a handler with no return annotation: a generator or an HttpStream it
    returns streams, anything else is a buffered answer (one class check per invocation)."""
    cls = result.__class__
    if cls is GeneratorType or cls is HttpStream or cls is AsyncGeneratorType:
        return Stream(result)
    return None
