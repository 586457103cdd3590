"""A small, strict HTTP/1.1 server built on an asyncio Protocol.

Why not ``http.server``: its header parsing goes through the email package and every request
costs a thread hand-off under the GIL, which alone exceeds the emulator's latency budget. Why not
asyncio streams: a Protocol parses the bytes as they are received, without a task per request,
so a request answered synchronously never leaves the callback that read it.

Supported: Content-Length and chunked request bodies, keep-alive and pipelining (answered in
order), ``Expect: 100-continue``; a chunked (or large) body handed on as it arrives
(``open_stream``) and
a response written as it is produced (``StreamedResponse``). Anything ambiguous (both
framings, bad sizes, malformed lines) is answered 400 and the connection closed, which is
what a strict server owes its peers; so is a control character or a bare CR or LF anywhere
in a head, since routes copy header values on. Trailers of a chunked body are kept apart from
the headers, never merged into them.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import Protocol

from lambdaflow.emulator.http.messages import (
    MAX_HEAD_BYTES,
    BadRequest,
    ChunkedDecoder,
    HttpRequest,
    HttpResponse,
    RequestHead,
    check_head_bytes,
    encode_response,
    has_no_body,
    parse_head,
)
from lambdaflow.emulator.routes.streamed_response import StreamedResponse

DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
_LARGE_BODY = 64 * 1024
_RECEIVE_BYTES = 64 * 1024


class Deferred:
    """An answer that is not known yet, e.g. a parked ``/next``.

    Cheaper than an asyncio Future on the hot path: ``resolve`` writes the response at once, in
    the resolver's stack, instead of one event-loop iteration later. Resolving with None (or
    ``cancel``) closes the connection, for answers that will never come. ``on_abandoned`` is
    called if the peer hangs up first, so the owner stops counting on this answer.
    """

    __slots__ = ("_on_resolved", "done", "on_abandoned", "response")

    def __init__(self) -> None:
        self._on_resolved: Callable[[HttpResponse | StreamedResponse | None], None] | None = None
        self.done = False
        self.response: HttpResponse | StreamedResponse | None = None
        self.on_abandoned: Callable[[], None] | None = None

    def resolve(self, response: HttpResponse | StreamedResponse | None) -> None:
        if self.done:
            return
        self.done = True
        self.response = response
        if self._on_resolved is not None:
            self._on_resolved(response)
            self._on_resolved = None

    def cancel(self) -> None:
        self.resolve(None)

    def when_resolved(
        self, callback: Callable[[HttpResponse | StreamedResponse | None], None]
    ) -> None:
        """Called by the connection; only one listener, and never after resolution."""
        assert not self.done
        self._on_resolved = callback

    def abandon(self) -> None:
        """Called by the connection when the peer is gone before the answer came."""
        if not self.done:
            self.done = True
            if self.on_abandoned is not None:
                self.on_abandoned()


Handler = Callable[[HttpRequest], "HttpResponse | Deferred"]


class BodySink(Protocol):
    """Where a streamed request body goes, piece by piece, instead of being buffered whole."""

    def data(self, piece: bytes) -> HttpResponse | None:
        """A decoded piece; an answer here refuses the rest (sent, then the connection closes)."""

    def end(self, trailers: Mapping[str, str]) -> HttpResponse:
        """The body is complete; the answer to the request."""

    def abort(self) -> None:
        """The body will never be complete (the peer hung up or broke the framing)."""


#: Given a request whose head has arrived (chunked, or large), a sink for its body, or None to
#: buffer it. The second argument pauses (False) or resumes (True) reading the connection.
StreamOpener = Callable[[HttpRequest, Callable[[bool], None]], "BodySink | None"]


class HttpProtocol(asyncio.BufferedProtocol):
    """One connection: parse requests in order, hand each to the handler, write answers.

    A BufferedProtocol reads into a buffer it provides: asyncio's plain Protocol allocates a
    256 KiB bytes object per read, which costs an mmap, an mremap and a munmap every time. The
    receive buffer is shared by every connection of a server (the loop fills one and hands it
    over before the next read), so an idle connection costs a few hundred bytes, not 64 KiB.
    """

    def __init__(
        self,
        handler: Handler,
        max_body: int,
        receive: memoryview,
        open_stream: StreamOpener | None = None,
        too_large: HttpResponse | None = None,
        stream_over: int | None = None,
        sweeper: _Sweeper | None = None,
        answers_after_eof: bool = False,
    ) -> None:
        self._handler = handler
        self._answers_after_eof = answers_after_eof
        self._sweeper = sweeper
        self._heard = True  # bytes came (or an answer went) since the last sweep
        self._slow_head_sweeps = 0
        self._too_large = too_large
        self._stream_over = stream_over
        self._open_stream = open_stream
        self._sink: BodySink | None = None
        self._streaming: StreamedResponse | None = None
        self._max_body = max_body
        self._receive = receive
        self._buffer = bytearray()
        self._head: RequestHead | None = None
        self._chunked: ChunkedDecoder | None = None
        self._scanned = 0  # how much of an incomplete head was searched already
        self._waiting = False
        self._pending: Deferred | None = None
        self._transport: asyncio.Transport | None = None
        self._eof = False  # the peer half-closed: it sends no more, but waits for answers

    @property
    def closed(self) -> bool:
        """The peer hung up (or the connection was closed)."""
        return self._transport is None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        if self._sweeper is not None:
            self._sweeper.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        if self._sweeper is not None:
            self._sweeper.connections.discard(self)
        if self._pending is not None:
            self._pending.abandon()
            self._pending = None
        self._abort_sink(False)
        if self._streaming is not None:
            self._streaming.gone()
            self._streaming = None

    def eof_received(self) -> bool:
        """The peer sent its last byte. With ``answers_after_eof`` (a caller's port) that is a
        half-close: the answer it waits for still goes out (as the RIE's does), then the
        connection closes. Else (the runtime's port, where a FIN on a parked /next means the
        runtime gave up on it), or with nothing owed, it closes now."""
        self._eof = True
        return self._waiting and self._answers_after_eof

    def pause_writing(self) -> None:
        if self._streaming is not None:
            self._streaming.flow(False)

    def resume_writing(self) -> None:
        if self._streaming is not None:
            self._streaming.flow(True)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._receive

    def buffer_updated(self, nbytes: int) -> None:
        self._heard = True
        self._buffer += self._receive[:nbytes]
        if not self._waiting:
            self._process()
        elif len(self._buffer) > self._max_body + MAX_HEAD_BYTES and self._transport is not None:
            self._transport.pause_reading()  # a pipelining peer must not fill our memory

    def _process(self) -> None:
        while self._transport is not None and not self._waiting:
            try:
                request = self._next_request()
            except (BadRequest, _Refused) as error:
                self._abort_sink(isinstance(error, BadRequest))
                refusal = error.response if isinstance(error, _Refused) else None
                if refusal is None and error.status == 413:
                    refusal = self._too_large
                self._write(refusal or HttpResponse(error.status, str(error).encode()), False, "")
                return
            if request is None:
                return
            sink, self._sink = self._sink, None
            try:
                result = self._handler(request) if sink is None else sink.end(request.trailers)
            except Exception:  # a bug must cost one request, not the server
                traceback.print_exc()
                self._write(HttpResponse(500, b"internal error"), False, "")
                return
            if isinstance(result, HttpResponse):
                self._write(result, request.keep_alive, request.method)
            elif result.done:  # resolved before the handler returned it
                self._answer(result.response, request)
            else:
                self._waiting = True
                self._pending = result
                result.when_resolved(lambda answer, request=request: self._resume(answer, request))

    def _resume(self, answer: HttpResponse | StreamedResponse | None, request: HttpRequest) -> None:
        self._waiting = False
        self._pending = None
        self._answer(answer, request)
        self._continue()

    def _continue(self) -> None:
        """Read on after an answer that took time: a resolved Deferred or a finished stream."""
        if self._waiting:  # the answer is a stream still being written
            return
        self._heard = True  # the keep-alive wait starts now
        if self._eof:  # answer what was sent before the half-close, then close
            asyncio.get_running_loop().call_soon(self._close_after_eof)
            return
        if self._transport is not None and not self._transport.is_closing():
            self._transport.resume_reading()
        if self._buffer:  # later pipelined requests: not in the resolver's stack
            asyncio.get_running_loop().call_soon(self._process)

    def swept(self) -> None:
        """A sweeper's period passed: a connection owed no answer that sent nothing in it, or
        whose head is still incomplete after two, is closed (a request cut short gets 408)."""
        transport = self._transport
        if transport is None or self._waiting:
            self._heard = True
            return
        slow_head = self._head is None and bool(self._buffer)
        self._slow_head_sweeps = self._slow_head_sweeps + 1 if slow_head else 0
        if not self._heard or self._slow_head_sweeps >= 2:
            if self._buffer or self._head is not None:
                self._write(HttpResponse(408, b"request timeout"), False, "")
            transport.close()
        self._heard = False

    def _close_after_eof(self) -> None:
        self._process()
        if not self._waiting and self._transport is not None:
            self._transport.close()

    def _answer(self, answer: HttpResponse | StreamedResponse | None, request: HttpRequest) -> None:
        """Send a late answer; one that cannot be encoded (a bug) still answers its caller,
        who would otherwise wait forever, and never breaks whoever resolved it."""
        try:
            self._send_answer(answer, request)
        except Exception:
            traceback.print_exc()
            if isinstance(answer, StreamedResponse):
                self._streaming = None
                self._waiting = False
                answer.gone()  # its producer reads on and drops the rest
            self._write(HttpResponse(500, b"internal error"), False, "")

    def _send_answer(
        self, answer: HttpResponse | StreamedResponse | None, request: HttpRequest
    ) -> None:
        if isinstance(answer, StreamedResponse):
            with_body = request.method != "HEAD" and not has_no_body(answer.status)
            chunked = request.version != "HTTP/1.0"  # else the close delimits the body
            self._stream(answer, request.keep_alive and chunked, with_body, chunked)
        elif answer is not None:
            self._write(answer, request.keep_alive, request.method)
        elif self._transport is not None:
            self._transport.close()

    def _stream(
        self, answer: StreamedResponse, keep_alive: bool, with_body: bool, chunked: bool
    ) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            answer.gone()
            return
        self._waiting = True
        self._streaming = answer

        def done(complete: bool) -> None:
            self._streaming = None
            self._waiting = False
            if not (complete and keep_alive) and self._transport is not None:
                self._transport.close()
            self._continue()

        answer.attach(transport, keep_alive, done, with_body, chunked)

    def _next_request(self) -> HttpRequest | None:
        buffer = self._buffer
        head = self._head
        if head is None:
            if not buffer:
                return None
            head = self._read_head(buffer)
            if head is None:
                return None
        if head.content_length is None:
            decoder = self._chunked
            if decoder is None:
                if self._open_stream is not None:
                    self._sink = self._open_stream(head.request, self._flow)
                # a streamed body is not held here: its sink enforces its own limit
                limit = self._max_body if self._sink is None else sys.maxsize
                decoder = self._chunked = ChunkedDecoder(limit)
            parsed = decoder.feed(buffer)
            if self._sink is not None:
                piece = decoder.take_body()
                refusal = self._sink.data(piece) if piece else None
                if refusal is not None:
                    raise _Refused(refusal)
            if parsed is None:
                return self._await_body(head)
            body, head.request.trailers = parsed
            self._chunked = None
        elif self._sink is not None:  # a declared length, handed on as it arrives
            piece = bytes(buffer[: head.content_length])
            del buffer[: len(piece)]
            head.content_length -= len(piece)
            refusal = self._sink.data(piece) if piece else None
            if refusal is not None:
                raise _Refused(refusal)
            if head.content_length:
                return self._await_body(head)
            body = b""
        else:
            if len(buffer) < head.content_length:
                return self._await_body(head)
            body = bytes(buffer[: head.content_length])
            del buffer[: head.content_length]
        self._head = None
        head.request.body = body
        head.request.connection = self
        return head.request

    def _read_head(self, buffer: bytearray) -> RequestHead | None:
        """Parse a complete head off the front of ``buffer``; each byte is searched once."""
        start = max(0, self._scanned - 3)
        end = buffer.find(b"\r\n\r\n", start, MAX_HEAD_BYTES)
        if end < 0:
            if len(buffer) >= MAX_HEAD_BYTES:
                raise BadRequest(431, "request head too large")
            # refuse a bare LF now rather than wait for a CRLF CRLF that never comes; a CR at
            # the very end may still be followed by its LF
            stop = len(buffer) - 1 if buffer.endswith(b"\r") else len(buffer)
            check_head_bytes(buffer, max(0, self._scanned - 1), stop)
            self._scanned = len(buffer)
            return None
        check_head_bytes(buffer, max(0, self._scanned - 1), end)
        self._scanned = 0
        head = self._head = parse_head(buffer, end)
        del buffer[: head.body_start]
        length = head.content_length
        if length is None:
            return head
        if self._stream_over is not None and length > self._stream_over:
            assert self._open_stream is not None
            self._sink = self._open_stream(head.request, self._flow)
        if self._sink is None and length > self._max_body:
            raise BadRequest(413, "request body too large")
        return head

    def _abort_sink(self, flush: bool) -> None:
        """A streamed body broke off: what was decoded before the break still goes on."""
        sink, self._sink = self._sink, None
        if sink is not None:
            piece = self._chunked.take_body() if flush and self._chunked is not None else b""
            if piece:
                sink.data(piece)
            sink.abort()  # a no-op if that piece already ended it (over the limit)

    def _flow(self, resume: bool) -> None:
        transport = self._transport
        if transport is not None and not transport.is_closing():
            if resume:
                transport.resume_reading()
            else:
                transport.pause_reading()

    def _await_body(self, head: RequestHead) -> None:
        expect = head.request.headers.get("expect", "")
        if not head.continue_sent and expect.lower() == "100-continue":
            head.continue_sent = True
            assert self._transport is not None
            self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return None

    def _write(self, response: HttpResponse, keep_alive: bool, method: str) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        head = encode_response(response, keep_alive)
        if method == "HEAD" or has_no_body(response.status):
            transport.write(head)
        elif len(response.body) > _LARGE_BODY:
            transport.write(head)
            transport.write(response.body)
        else:
            transport.write(head + response.body)
        if not keep_alive:
            transport.close()


class _Sweeper:
    """Every ``period`` seconds, tells each connection of a server to close if it is idle:
    one timer per server, and one attribute store per read (no timer per connection)."""

    def __init__(self, period: float) -> None:
        self.connections: set[HttpProtocol] = set()
        self.server: asyncio.Server | None = None
        self._period = period
        self._loop = asyncio.get_running_loop()
        self._loop.call_later(period, self._sweep)

    def _sweep(self) -> None:
        for connection in list(self.connections):
            connection.swept()
        server = self.server
        if self.connections or server is None or server.is_serving():  # else: all over
            self._loop.call_later(self._period, self._sweep)


class _Refused(Exception):
    """A body sink refused the rest of a streamed body with ``response``."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status)
        self.response = response


async def start_server(
    handler: Handler,
    host: str,
    port: int,
    max_body: int = DEFAULT_MAX_BODY_BYTES,
    open_stream: StreamOpener | None = None,
    too_large: HttpResponse | None = None,
    stream_over: int | None = None,
    idle_timeout: float | None = None,
    answers_after_eof: bool = False,
) -> asyncio.Server:
    """Listen on host:port (0 picks a free port) and serve every connection with ``handler``;
    a body over ``max_body`` is refused with ``too_large`` (a plain 413 without one).
    ``open_stream`` is offered every chunked body, and one of a declared length over
    ``stream_over`` (its sink's own limit then applies, not ``max_body``). With
    ``idle_timeout``, a connection owed no answer that sends nothing for that long (or whose
    head is not complete within about twice that) is closed. With ``answers_after_eof``, a
    peer that half-closes still gets the answers it asked for."""
    loop = asyncio.get_running_loop()
    receive = memoryview(bytearray(_RECEIVE_BYTES))  # shared: see HttpProtocol
    sweeper = _Sweeper(idle_timeout) if idle_timeout is not None else None
    server = await loop.create_server(
        lambda: HttpProtocol(
            handler,
            max_body,
            receive,
            open_stream,
            too_large,
            stream_over,
            sweeper,
            answers_after_eof,
        ),
        host,
        port,
    )
    if sweeper is not None:
        sweeper.server = server
    return server


def bound_port(server: asyncio.Server) -> int:
    """The port the server really listens on (useful after asking for port 0)."""
    return int(server.sockets[0].getsockname()[1])
