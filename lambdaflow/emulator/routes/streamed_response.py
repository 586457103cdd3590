"""A response whose body goes out as it is produced: chunked transfer, piece by piece.

The producer (a relay of the runtime's streamed answer) writes; the caller's connection
attaches once the head can go out. What is written before that waits in a short backlog.
Flow control runs back to the producer: when the caller reads slower than the runtime
writes, the connection's transport asks to pause and the producer stops reading the runtime.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from lambdaflow.emulator.http.messages import encode_streamed_head

_LAST_CHUNK = b"0\r\n\r\n"


class StreamedResponse:
    """Status and headers now, the body in chunks later; ``end`` or ``abort`` finishes it.

    The body is framed when it is sent: in chunks, or (for an HTTP/1.0 caller, who knows no
    chunked coding) as it is, delimited by closing the connection."""

    __slots__ = (
        "_backlog",
        "_body_wanted",
        "_chunked",
        "_complete",
        "_finished",
        "_on_done",
        "_transport",
        "headers",
        "on_flow",
        "on_gone",
        "status",
    )

    def __init__(self, status: int, headers: Sequence[tuple[str, str]]) -> None:
        self.status = status
        self.headers = headers
        self._transport: asyncio.Transport | None = None
        self._backlog: list[bytes] = []
        self._finished = False
        self._complete = False
        self._body_wanted = True
        self._chunked = True
        self._on_done: Callable[[bool], None] | None = None
        #: The producer's flow control: called with False to pause, True to resume.
        self.on_flow: Callable[[bool], None] | None = None
        #: Called once if the caller hangs up before the end.
        self.on_gone: Callable[[], None] | None = None

    def write(self, data: bytes) -> None:
        """One piece of the body (nothing is sent for an empty one: it would end the body)."""
        if data and not self._finished:
            if self._transport is not None:
                self._send(data)
            elif self._on_done is None:
                self._backlog.append(data)

    def end(self) -> None:
        """The body is complete: the last chunk, and the connection may serve its next request."""
        if not self._finished:
            self._finished = self._complete = True
            if self._transport is not None and self._chunked and self._body_wanted:
                self._transport.write(_LAST_CHUNK)
            self._done(True)

    def abort(self) -> None:
        """The body cannot be completed: close without the last chunk, so the caller sees a
        truncated body rather than a complete one."""
        if not self._finished:
            self._finished = True
            self._done(False)

    # -- the connection's side ------------------------------------------------------------

    def attach(
        self,
        transport: asyncio.Transport,
        keep_alive: bool,
        on_done: Callable[[bool], None],
        with_body: bool = True,
        chunked: bool = True,
    ) -> None:
        """Write the head and the backlog; ``on_done(complete)`` when the body is over. For a
        HEAD request (``with_body`` False) the body is produced but not sent; without
        ``chunked`` it goes as it is and only closing the connection ends it."""
        self._transport = transport
        self._on_done = on_done
        self._body_wanted = with_body
        self._chunked = chunked
        transport.write(encode_streamed_head(self.status, self.headers, keep_alive, chunked))
        backlog, self._backlog = self._backlog, []
        for data in backlog:
            self._send(data)
        if self._finished:
            if self._complete and chunked and with_body:
                transport.write(_LAST_CHUNK)
            on_done(self._complete)

    def flow(self, resume: bool) -> None:
        if self.on_flow is not None:
            self.on_flow(resume)

    def gone(self) -> None:
        """The caller hung up: nothing more is sent; the producer is told once."""
        self._transport = None
        if not self._finished:
            self._finished = True
            if self.on_gone is not None:
                self.on_gone()

    def _send(self, data: bytes) -> None:
        transport = self._transport
        if transport is not None and self._body_wanted:
            transport.write(b"%x\r\n%b\r\n" % (len(data), data) if self._chunked else data)

    def _done(self, complete: bool) -> None:
        on_done, self._on_done = self._on_done, None
        if on_done is not None and self._transport is not None:
            on_done(complete)
