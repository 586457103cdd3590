"""The Runtime API as the runtime sees it: events handed over, answers sent, a verdict on each.

`RuntimeClient` is the one thing the loop, the bootstrap and SnapStart talk to: `next`,
`respond`/`fail`/`stream` for an invocation, `init_error`, `restore_next`/`restore_error`,
`register_for_shutdown`. It builds the request values (`api_requests`), sends them over the one
keep-alive `Connection`, and turns replies into an `Invocation` or a `Verdict`: nobody above it
sees a status, and the one retry rule of an answer (an error whose X-Ray cause the Runtime API
refuses is sent again without it) is here.

An answer may be sent and its verdict read after `/next` has gone out (pipelining: Lambda bills
until /next arrives, so the runtime does not wait idle for the 202). An answer sent while
requests are in flight on the main connection goes over a connection of its own: behind /next
it would wait for the next event, which Lambda may not send before this answer.

A streamed answer is not pipelined: `stream` reads its verdict before /next goes out. It cannot
be sent again, so a connection lost before its verdict must not be replayed, which the requests
in flight behind it would be; and the 202's wait (~0.5 ms here) is small beside a stream's length.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from time import perf_counter_ns

from ..observability.runtime_log import logger
from .api_requests import (
    NEXT,
    ErrorRequest,
    InitErrorRequest,
    ResponseRequest,
    RestoreErrorRequest,
    RestoreNextRequest,
    StreamedResponseRequest,
    path_segment,
    stream_end,
)
from .connection import (
    Connection,
    RuntimeApiGone,
    RuntimeApiUnavailable,
    StreamBroken,
)
from .replies import ProtocolError
from .verdicts import Verdict, verdict_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .connection import Interrupt, Request

__all__ = ["Invocation", "RuntimeApiGone", "RuntimeApiUnavailable", "RuntimeClient", "Verdict"]

_REQUEST_ID = b"lambda-runtime-aws-request-id"


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


class RuntimeClient:
    """The runtime's side of the Runtime API over one keep-alive connection."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.connection = Connection(address)
        self._next_in_flight = False
        #: The answer sent last, and its verdict when it was read at once (side connection).
        self._answer: ResponseRequest | ErrorRequest | None = None
        self._ready: Verdict | None = None

    # Events

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
                invocation = _unreadable(exc.headers, f"the /next reply broke off: {exc}")
                if invocation is not None:
                    return invocation
                continue  # no request id: no event was handed over, ask again
            if reply is None:
                return None
            self._next_in_flight = False
            if reply.status != 200:  # e.g. 403 after an init error: no event will ever come
                raise RuntimeApiUnavailable(f"/next answered {verdict_of(reply).describe()}")
            if reply.skipped:
                names = b", ".join(reply.skipped).decode("latin-1")
                invocation = _unreadable(reply.headers, f"headers too long to read: {names}",
                                         reply.arrived_ns, reply.body)
                if invocation is not None:
                    return invocation
                continue
            invocation = _invocation(reply.headers, reply.body, reply.arrived_ns)
            if invocation is None:
                raise RuntimeApiUnavailable("/next answered without Lambda-Runtime-Aws-Request-Id")
            return invocation

    @property
    def next_in_flight(self) -> bool:
        """A /next was sent and its reply not read yet."""
        return self._next_in_flight

    def send_next(self) -> None:
        """Ask for the next event now; its reply is read by `next`."""
        if not self._next_in_flight:
            self.connection.send(NEXT)
            self._next_in_flight = True

    # Answers: sent now, their verdict read by `verdict()` (after `send_next`, if wanted).

    def respond(self, invocation: Invocation, body: bytes) -> None:
        self._send_answer(ResponseRequest(invocation.path_id, body))

    def fail(
        self, invocation: Invocation, error: dict[str, Any], xray_cause: bytes | None = None
    ) -> None:
        """Send the invocation's error (`errors.exception_payload`) and its X-Ray cause."""
        self._send_answer(ErrorRequest(invocation.path_id, error, xray_cause))

    def verdict(self) -> Verdict:
        """The verdict on the answer sent last.

        A Runtime API whose head limit is below the X-Ray cause's 64 KiB (lambdaflow's own
        emulator has 64 KiB for the whole head) refuses an error with its cause: the error must
        still arrive, so it is sent again without it.
        """
        verdict = self._ready
        if verdict is None:
            reply = self.connection.receive()
            assert reply is not None
            verdict = verdict_of(reply)
        self._ready = None
        answer, self._answer = self._answer, None  # a 6 MB body is not kept while we idle
        refused = not verdict.accepted and verdict.kind != Verdict.ALREADY_ANSWERED
        if refused and isinstance(answer, ErrorRequest) and answer.xray_cause is not None:
            logger.warning("invocation.xray_cause_refused", status=verdict.status)
            self._send_answer(ErrorRequest(answer.request_id, answer.payload))
            return self.verdict()
        return verdict

    def stream(
        self,
        invocation: Invocation,
        content_type: bytes,
        chunks: Generator[bytes, None, None],
        failure: Callable[[], dict[str, Any] | None],
    ) -> Verdict:
        """Send a streamed answer chunk by chunk (`Connection.stream`), then its end: the error
        trailers if `failure()` says it failed midway. Returns its verdict."""
        head = StreamedResponseRequest(invocation.path_id, content_type)
        try:
            reply = self.connection.stream(head, chunks, lambda: stream_end(failure()))
        except StreamBroken as exc:
            return Verdict(Verdict.BROKEN, 0, str(exc).encode())
        return verdict_of(reply)

    # Outside any invocation

    def init_error(self, payload: dict[str, Any]) -> Verdict:
        """Report that the function could not start (`runtime.init.init_error_payload`)."""
        return self._post(InitErrorRequest(payload))

    def restore_next(self) -> None:
        """SnapStart: ask for the restore; returns in the restored environment."""
        reply = self.connection.call(RestoreNextRequest())
        if reply.status != 200:
            raise RuntimeApiUnavailable(f"restore/next answered {verdict_of(reply).describe()}")

    def restore_error(self, payload: dict[str, Any]) -> Verdict:
        """SnapStart: an after_restore hook failed; Lambda discards the environment."""
        return self._post(RestoreErrorRequest(payload))

    def reconnect_if_closed(self) -> None:
        """After a restore: a connection the snapshot did not keep is replaced before use."""
        self.connection.drop_if_closed()

    def register_for_shutdown(self) -> bool:
        """Register the internal extension that makes Lambda send SIGTERM (`extensions`)."""
        from .extensions import register_for_shutdown  # only for a function with shutdown hooks

        return register_for_shutdown(self.connection)

    def _send_answer(self, answer: ResponseRequest | ErrorRequest) -> None:
        self._answer = answer
        if self.connection.in_flight:  # /next is out: this answer goes its own way, now
            self._ready = self._post(answer)
        else:
            self._ready = None
            self.connection.send(answer)

    def _post(self, request: Request) -> Verdict:
        """Send `request` and wait for its verdict, on a connection of its own if requests
        are in flight on the main one."""
        if self.connection.in_flight:
            side = Connection(self.address)
            try:
                return verdict_of(side.call(request))
            finally:
                side.close()
        return verdict_of(self.connection.call(request))


def _invocation(
    headers: dict[bytes, bytes], body: bytes, arrived_ns: int, problem: str | None = None
) -> Invocation | None:
    """The invocation `headers` name (None without a request id), its id made path-safe."""
    raw_id = headers.get(_REQUEST_ID)
    if not raw_id:
        return None
    path_id, escaped = path_segment(raw_id)
    if escaped:
        logger.warning(
            "invocation.unsafe_request_id",
            problem="the request id is not a URL-safe token; it is percent-escaped in this "
            "invocation's request paths",
            escaped=path_id.decode("ascii"),
        )
    return Invocation(raw_id.decode("latin-1"), path_id, headers, body, arrived_ns, escaped,
                      problem)


def _unreadable(
    headers: dict[bytes, bytes], problem: str, arrived_ns: int = 0, body: bytes = b""
) -> Invocation | None:
    """An event that could not be read whole, to be answered with an error; None (logged)
    when not even its request id arrived, so there is nothing to answer."""
    invocation = _invocation(headers, body, arrived_ns or perf_counter_ns(), problem)
    if invocation is None:
        logger.warning("runtime_api.unreadable_reply", problem=problem + ", before a request id")
    return invocation
