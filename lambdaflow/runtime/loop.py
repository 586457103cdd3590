"""The invocation loop: next -> handle (in process) -> answer -> metrics line -> next, timed.

Each failure maps to one outcome and one error answer (`framework.phases`), then the loop serves the
next event: nothing a caller sends or a handler does ends the process. Only a Runtime API that
stays unreachable does (`RuntimeApiUnavailable` propagates to the entry point).

Billed time: Lambda bills until the runtime asks for the next event, so the answer is sent,
the metrics line written, and /next sent right behind the answer, before its verdict (the 202)
is read. Two cases wait for the verdict before /next instead, so that the metrics line can say
what happened: a request id that had to be escaped (a Runtime API may refuse the escaped form
with 400), and a shutdown signal already received (no /next follows). A verdict read after
/next that overturns the outcome (413, 400: only from a Runtime API that refuses a well-formed
answer within Lambda's limits) is logged on its own record naming the corrected outcome.

A streamed answer goes out chunk by chunk as the handler yields, and its verdict is read before
/next (see `runtime_api.client`); a connection lost midway is logged
(`invocation.stream_broken`), and nothing is sent for that invocation again.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import count
from time import perf_counter_ns

from ..errors import ResponseSizeTooLarge
from ..framework.context import FunctionEnvironment, build_context
from ..framework.phases import Handled, begin, end, failure, handle
from ..framework.plan import Plan
from ..observability.metrics_line import USER_METRICS_MODULE, log_metrics
from ..observability.metrics_record import (
    MARSHAL_ERROR,
    OUTCOME_FIELD,
    POST_REJECTED,
    STREAM_BROKEN,
)
from ..observability.runtime_log import logger
from ..observability.timings import Timings
from ..runtime_api.client import Invocation, RuntimeClient, Verdict
from .lifecycle import Lifecycle

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    from ..framework.streaming import Stream

    class Stop(Protocol):
        """What the loop stops on: the `Lifecycle`, or a concurrency slot's relay of it."""

        @property
        def stopping(self) -> bool: ...

        def fileno(self) -> int: ...

        def is_set(self) -> bool: ...


class InvocationLoop:
    """Serves invocations one at a time over one Runtime API client.

    `served` counts invocations for the cold_start flag; concurrency slots share one counter,
    so only the process's first invocation is cold.
    """

    def __init__(
        self,
        plan: Plan,
        client: RuntimeClient,
        lifecycle: Lifecycle | Stop,
        env: FunctionEnvironment | None = None,
        served: Iterator[int] | None = None,
    ) -> None:
        self.plan = plan
        self.client = client
        self.lifecycle = lifecycle
        self.env = env or FunctionEnvironment()
        self._served = served or count()

    def serve_until_signalled(self) -> None:
        """Serve invocations until SIGTERM/SIGINT; one in progress is finished first."""
        lifecycle = self.lifecycle
        client = self.client
        next_invocation = client.next
        # A /next sent before the signal may have handed over an event already: read it.
        while not lifecycle.stopping or client.next_in_flight:
            invocation = next_invocation(interrupt=lifecycle)
            if invocation is None:
                return
            self.serve(invocation)

    def serve(self, invocation: Invocation) -> None:
        """Serve one invocation end to end, log its metrics line, and ask for the next."""
        timings = Timings(invocation.arrived_ns, perf_counter_ns())
        context = build_context(invocation, self.env)
        begin(context)
        user_metrics = sys.modules.get(USER_METRICS_MODULE)  # only if the function imported it
        if user_metrics is not None:
            user_metrics.begin()
        handled = handle(self.plan, invocation.body, context, timings, invocation.problem)
        if handled.stream is not None:
            self._serve_stream(invocation, handled.stream, timings, user_metrics)
            end()
            return
        client = self.client
        self._answer(invocation, handled)
        cold = not next(self._served)
        collector = user_metrics.take() if user_metrics is not None else None
        if invocation.escaped or self.lifecycle.stopping:
            outcome = self._settle(invocation, handled, client.verdict())
            log_metrics(outcome, timings, perf_counter_ns(), cold, collector)
        else:
            log_metrics(handled.outcome, timings, perf_counter_ns(), cold, collector)
            client.send_next()
            self._settle(invocation, handled, client.verdict())
        end()

    def _serve_stream(
        self, invocation: Invocation, stream: Stream, timings: Timings, user_metrics: Any
    ) -> None:
        """Deliver a started stream, wait for its verdict, log the metrics line."""
        error_of = lambda: stream.failed.error if stream.failed else None  # noqa: E731
        verdict = self.client.stream(invocation, stream.content_type, stream.chunks(), error_of)
        timings.handled = timings.encoded = stream.ended_ns
        if verdict.kind == Verdict.BROKEN:
            logger.error("invocation.stream_broken", problem=verdict.body.decode(errors="replace"),
                         **{OUTCOME_FIELD: STREAM_BROKEN})
            outcome = STREAM_BROKEN
        else:  # a stream cannot be sent again, shortened or otherwise
            outcome = _refused(verdict) or stream.outcome
        cold = not next(self._served)
        collector = user_metrics.take() if user_metrics is not None else None
        log_metrics(outcome, timings, perf_counter_ns(), cold, collector, stream)

    def _answer(self, invocation: Invocation, handled: Handled) -> None:
        if handled.body is not None:
            self.client.respond(invocation, handled.body)
        else:
            assert handled.error is not None
            self.client.fail(invocation, handled.error, handled.xray_cause)

    def _settle(self, invocation: Invocation, handled: Handled, verdict: Verdict) -> str:
        """Act on the Runtime API's verdict on the answer; return the invocation's outcome."""
        if verdict.kind == Verdict.TOO_LARGE and handled.body is not None:
            refused = ResponseSizeTooLarge(
                f"The Runtime API refused the {len(handled.body)}-byte response as too large."
            )
            error = failure(refused, MARSHAL_ERROR)
            self._answer(invocation, error)
            self._settle(invocation, error, self.client.verdict())
            return error.outcome
        return _refused(verdict) or handled.outcome


def _refused(verdict: Verdict) -> str | None:
    """None if the answer stands (accepted, or already answered: logged); else the outcome it
    becomes, logged: the Runtime API rejected it."""
    if verdict.accepted:
        return None
    if verdict.kind == Verdict.ALREADY_ANSWERED:
        logger.warning("invocation.already_answered", status=verdict.status)
        return None
    logger.error("invocation.post_rejected", status=verdict.status, body=verdict.excerpt,
                 **{OUTCOME_FIELD: POST_REJECTED})
    return POST_REJECTED

