"""The Runtime API as the loop sees it: events handed over, and a verdict on each answer.

Sends `requests` values over the one keep-alive `Connection` and turns replies into what the
loop acts on: an `Invocation` from /next, and for each POST a `Verdict` (accepted, too large,
already answered, rejected with its body), never a raw status.

The answer to an invocation may be `send`t and its verdict read after `/next` has gone out
(pipelining: Lambda bills until /next arrives, so the runtime does not wait idle for the 202).
While requests are in flight on the main connection, `post` uses a connection of its own.

A streamed answer is not pipelined: `stream` reads its verdict before /next goes out. It cannot
be sent again, so a connection lost before its verdict must not be replayed, which the requests
in flight behind it would be; and the 202's wait (~0.5 ms here) is small beside a stream's length.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from time import perf_counter_ns

from .connection import (
    Connection,
    Interrupt,
    Request,
    RuntimeApiGone,
    RuntimeApiUnavailable,
    StreamBroken,
)
from .requests import NEXT, path_segment
from .runtime_log import logger
from .wire import ProtocolError, Reply

__all__ = ["Invocation", "RuntimeApiGone", "RuntimeApiUnavailable", "Transport", "Verdict"]


class Verdict:
    """What the Runtime API said to a POST."""

    __slots__ = ("body", "kind", "status")

    ACCEPTED = "accepted"
    TOO_LARGE = "too_large"
    ALREADY_ANSWERED = "already_answered"
    REJECTED = "rejected"
    #: A streamed answer's connection failed midway: the Runtime API has what was sent, or
    #: nothing; it is not sent again (status 0, `body` says what failed).
    BROKEN = "broken"

    def __init__(self, kind: str, status: int, body: bytes = b"") -> None:
        self.kind = kind
        self.status = status
        self.body = body

    @property
    def accepted(self) -> bool:
        return self.kind == "accepted"


_ACCEPTED = Verdict(Verdict.ACCEPTED, 202)
_KINDS = {413: Verdict.TOO_LARGE, 403: Verdict.ALREADY_ANSWERED}


def verdict_of(reply: Reply) -> Verdict:
    if 200 <= reply.status < 300:
        return _ACCEPTED if reply.status == 202 else Verdict(Verdict.ACCEPTED, reply.status)
    return Verdict(_KINDS.get(reply.status, Verdict.REJECTED), reply.status, reply.body)


class Invocation:
    """An event handed over by /next, with the headers the Context is built from."""

    __slots__ = ("arrived_ns", "body", "escaped", "headers", "path_id", "problem", "request_id")

    def __init__(
        self,
        request_id: str,
        path_id: bytes,
        headers: dict[bytes, bytes],
        body: bytes,
        arrived_ns: int,
        escaped: bool = False,
        problem: str | None = None,
    ) -> None:
        self.request_id = request_id
        #: The request id as a path segment of this invocation's POSTs (escaped if need be).
        self.path_id = path_id
        #: The request id was not a URL-safe token: a Runtime API may refuse the escaped form.
        self.escaped = escaped
        self.headers = headers
        self.body = body
        #: perf_counter_ns() when the /next reply started to arrive (idle waiting ends here).
        self.arrived_ns = arrived_ns
        #: Why the event could not be read whole (it is then answered with an error), or None.
        self.problem = problem


class Transport:
    """The runtime's side of the Runtime API over one keep-alive connection."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.connection = Connection(address)
        self._next_in_flight = False

    def next(self, interrupt: Interrupt | None = None) -> Invocation | None:
        """Block until Lambda hands over the next event (Lambda freezes us while we wait).

        Returns None if `interrupt` is set before the reply starts to arrive; a reply that has
        started is always read, so no event is ever taken and dropped.
        """
        while True:
            self.send_next()
            try:
                reply = self.connection.receive(interrupt, keep_broken_head=True)
            except ProtocolError as exc:  # the head arrived, then the reply broke
                self._next_in_flight = False
                assert exc.headers is not None
                invocation = _broken(exc.headers, f"the /next reply broke off: {exc}")
                if invocation is not None:
                    return invocation
                continue  # no request id: no event was handed over, ask again
            if reply is None:
                return None
            self._next_in_flight = False
            if reply.status != 200:  # e.g. 403 after an init error: no event will ever come
                raise RuntimeApiUnavailable(
                    f"/next answered {reply.status}: {reply.body[:200].decode(errors='replace')}"
                )
            if not reply.skipped:
                break
            names = b", ".join(reply.skipped).decode("latin-1")
            invocation = _broken(reply.headers, f"headers too long to read: {names}",
                                 reply.arrived_ns, reply.body)
            if invocation is not None:
                return invocation
        raw_id = reply.headers.get(b"lambda-runtime-aws-request-id")
        if not raw_id:
            raise RuntimeApiUnavailable("/next answered without Lambda-Runtime-Aws-Request-Id")
        path_id, escaped = path_segment(raw_id)
        if escaped:
            _warn_escaped(raw_id, path_id)
        return Invocation(
            raw_id.decode("latin-1"), path_id, reply.headers, reply.body, reply.arrived_ns, escaped
        )

    @property
    def next_in_flight(self) -> bool:
        """A /next was sent and its reply not read yet."""
        return self._next_in_flight

    def send_next(self) -> None:
        """Ask for the next event now; its reply is read by `next`."""
        if not self._next_in_flight:
            self.connection.send(NEXT)
            self._next_in_flight = True

    def send(self, request: Request) -> None:
        """Send a POST whose verdict `verdict()` reads later (after `send_next`, if wanted)."""
        self.connection.send(request)

    def verdict(self) -> Verdict:
        """The verdict on the POST sent last by `send`."""
        reply = self.connection.receive()
        assert reply is not None
        return verdict_of(reply)

    def stream(
        self, head: Request, chunks: Generator[bytes, None, None], end: Callable[[], bytes]
    ) -> Verdict:
        """Send a streamed answer (`Connection.stream`) and wait for its verdict."""
        try:
            return verdict_of(self.connection.stream(head, chunks, end))
        except StreamBroken as exc:
            return Verdict(Verdict.BROKEN, 0, str(exc).encode())

    def post(self, request: Request) -> Verdict:
        """Send a POST and wait for its verdict.

        With /next already in flight on the main connection (an answer refused after the
        runtime moved on), the POST goes over a connection of its own: behind /next it would
        wait for the next event, which Lambda may not send before this answer.
        """
        if self.connection.in_flight:
            side = Connection(self.address)
            try:
                return verdict_of(side.call(request))
            finally:
                side.close()
        return verdict_of(self.connection.call(request))


def _broken(
    headers: dict[bytes, bytes], problem: str, arrived_ns: int = 0, body: bytes = b""
) -> Invocation | None:
    """An event that could not be read whole, to be answered with an error; None (logged)
    when not even its request id arrived, so there is nothing to answer."""
    raw_id = headers.get(b"lambda-runtime-aws-request-id")
    if not raw_id:
        logger.warning("runtime_api.unreadable_reply", problem=problem + ", before a request id")
        return None
    path_id, escaped = path_segment(raw_id)
    if escaped:
        _warn_escaped(raw_id, path_id)
    return Invocation(raw_id.decode("latin-1"), path_id, headers, body,
                      arrived_ns or perf_counter_ns(), escaped, problem)


def _warn_escaped(raw_id: bytes, path_id: bytes) -> None:
    logger.warning(
        "invocation.unsafe_request_id",
        problem="the request id is not a URL-safe token; it is percent-escaped in this "
        "invocation's request paths",
        escaped=path_id.decode("ascii"),
    )
