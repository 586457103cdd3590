"""The invocation loop: next -> handle (in process) -> answer -> metrics line -> next, timed.

Each failure maps to one outcome and one error answer (`handling`), then the loop serves the
next event: nothing a caller sends or a handler does ends the process. Only a Runtime API that
stays unreachable does (`RuntimeApiUnavailable` propagates to the entry point).

Billed time: Lambda bills until the runtime asks for the next event, so the answer is sent,
the metrics line written, and /next sent right behind the answer, before its verdict (the 202)
is read. Two cases wait for the verdict before /next instead, so that the metrics line can say
what happened: a request id that had to be escaped (a Runtime API may refuse the escaped form
with 400), and a shutdown signal already received (no /next follows). A verdict read after
/next that overturns the outcome (413, 400: only from a Runtime API that refuses a well-formed
answer within Lambda's limits) is logged on its own record naming the corrected outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from time import perf_counter_ns
from typing import Protocol

from .app import Plan
from .context import FunctionEnvironment, build_context
from .errors import ResponseSizeTooLarge
from .handling import Handled, begin, end, failure, handle
from .lifecycle import Lifecycle
from .metrics_record import (
    COLD_START_FIELD,
    METRICS_MESSAGE,
    OUTCOME_FIELD,
    PHASE_FIELDS,
    TOTAL_FIELD,
)
from .requests import InvocationError, InvocationResponse
from .runtime_log import current_invocation, logger
from .transport import Invocation, Transport, Verdict

#: The outcome when the Runtime API rejected the answer (400 and the like).
POST_REJECTED = "post_rejected"


class Stop(Protocol):
    """What the loop stops on: the `Lifecycle`, or a concurrency slot's relay of it."""

    @property
    def stopping(self) -> bool: ...

    def fileno(self) -> int: ...

    def is_set(self) -> bool: ...


class InvocationLoop:
    """Serves invocations one at a time over one Runtime API transport.

    `served` counts invocations for the cold_start flag; concurrency slots share one counter,
    so only the process's first invocation is cold.
    """

    def __init__(
        self,
        plan: Plan,
        transport: Transport,
        lifecycle: Lifecycle | Stop,
        env: FunctionEnvironment | None = None,
        served: Iterator[int] | None = None,
    ) -> None:
        self.plan = plan
        self.transport = transport
        self.lifecycle = lifecycle
        self.env = env or FunctionEnvironment()
        self._served = served or count()

    def serve_until_signalled(self) -> None:
        """Serve invocations until SIGTERM/SIGINT; one in progress is finished first."""
        lifecycle = self.lifecycle
        next_invocation = self.transport.next
        while not lifecycle.stopping:
            invocation = next_invocation(interrupt=lifecycle)
            if invocation is None:
                return
            self.serve(invocation)

    def serve(self, invocation: Invocation) -> None:
        """Serve one invocation end to end, log its metrics line, and ask for the next."""
        marks = [invocation.arrived_ns, perf_counter_ns(), 0, 0, 0, 0]
        current_invocation.request_id = invocation.request_id  # for what building logs
        context = build_context(invocation, self.env)
        begin(context)
        handled = handle(self.plan, invocation.body, context, marks, invocation.problem)
        transport = self.transport
        transport.send(_answer(invocation, handled))
        cold = not next(self._served)
        if invocation.escaped or self.lifecycle.stopping:
            outcome = self._settle(invocation, handled, transport.verdict())
            _log_metrics(outcome, marks, perf_counter_ns(), cold)
        else:
            _log_metrics(handled.outcome, marks, perf_counter_ns(), cold)
            transport.send_next()
            self._settle(invocation, handled, transport.verdict())
        end()

    def _settle(self, invocation: Invocation, handled: Handled, verdict: Verdict) -> str:
        """Act on the Runtime API's verdict on the answer; return the invocation's outcome."""
        if verdict.accepted:
            return handled.outcome
        if verdict.kind == Verdict.ALREADY_ANSWERED:
            logger.warning("invocation.already_answered", status=verdict.status)
            return handled.outcome
        if verdict.kind == Verdict.TOO_LARGE and handled.body is not None:
            refused = ResponseSizeTooLarge(
                f"The Runtime API refused the {len(handled.body)}-byte response as too large."
            )
            error = failure(refused, "marshal_error")
            self._settle(invocation, error, self.transport.post(_answer(invocation, error)))
            return error.outcome
        if handled.xray_cause is not None:
            # A Runtime API whose head limit is below the cause's 64 KiB (lambdaflow's own
            # emulator has 64 KiB for the whole head) refuses it: the error must still arrive.
            logger.warning("invocation.xray_cause_refused", status=verdict.status)
            bare = Handled(handled.outcome, error=handled.error)
            return self._settle(invocation, bare, self.transport.post(_answer(invocation, bare)))
        logger.error(
            "invocation.post_rejected",
            status=verdict.status,
            body=verdict.body[:200].decode(errors="replace"),
            **{OUTCOME_FIELD: POST_REJECTED},
        )
        return POST_REJECTED


def _answer(invocation: Invocation, handled: Handled) -> InvocationResponse | InvocationError:
    if handled.body is not None:
        return InvocationResponse(invocation.path_id, handled.body)
    assert handled.error is not None
    return InvocationError(invocation.path_id, handled.error, handled.xray_cause)


_NEXT, _UNMARSHAL, _VALIDATE, _HANDLER, _MARSHAL, _POST = PHASE_FIELDS


def _ms(ns: int) -> float:
    """Nanoseconds as milliseconds rounded to the microsecond (integer maths: ~5x cheaper than
    round(), which cost ~5 us per metrics line)."""
    return (ns + 500) // 1000 / 1000


def _log_metrics(outcome: str, marks: list[int], done: int, cold_start: bool) -> None:
    """The invocation.metrics line: one home, so user metrics can hook in here."""
    arrived, received, unmarshalled, validated, handled, marshalled = marks
    logger.info(
        METRICS_MESSAGE,
        **{
            OUTCOME_FIELD: outcome,
            COLD_START_FIELD: cold_start,
            _NEXT: _ms(received - arrived),
            _UNMARSHAL: _ms(unmarshalled - received),
            _VALIDATE: _ms(validated - unmarshalled),
            _HANDLER: _ms(handled - validated),
            _MARSHAL: _ms(marshalled - handled),
            _POST: _ms(done - marshalled),
            TOTAL_FIELD: _ms(done - arrived),
        },
    )
