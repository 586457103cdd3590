"""One invocation in process: decode -> validate -> handler -> encode, and the error mapping.

Everything between "an event's bytes and a Context" and "a body or an error payload to send" is
here and nowhere else: the loop (over the Runtime API) and an in-process test client both call
`handle`, so neither reimplements the phases or the mapping of a failure to an outcome. It
knows nothing of HTTP. A streamed handler's answer is a `streaming.Stream` started here (run up
to its first chunk) and pulled by whoever delivers it. An async handler's call runs its coroutine
on the one event loop (`async_loop`), so it goes through the same phases.
"""

from __future__ import annotations

from time import perf_counter_ns

from ..errors import (
    MarshalError,
    ResponseSizeTooLarge,
    UnreadableEvent,
    exception_payload,
    log_fields,
    xray_error_cause,
)
from ..limits import MAX_RESPONSE_BYTES
from ..observability.log_state import NO_INVOCATION, stamp
from ..observability.metrics_record import FAILURE_OUTCOMES, SUCCESS
from ..observability.runtime_log import logger
from ..observability.timings import Timings
from .context import Context
from .plan import Plan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Handled:
    """What `handle` produced: the outcome, and a body to respond with or an error to post."""

    __slots__ = ("body", "error", "outcome", "stream", "xray_cause")

    def __init__(
        self,
        outcome: str,
        body: bytes | None = None,
        error: dict[str, Any] | None = None,
        xray_cause: bytes | None = None,
        stream: Any = None,
    ) -> None:
        self.outcome = outcome
        self.body = body
        #: A started `streaming.Stream` to deliver instead of a body, or None.
        self.stream = stream
        #: `errors.exception_payload` of the failure, or None on success.
        self.error = error
        self.xray_cause = xray_cause


def check_response_size(body: bytes) -> bytes:
    """Refuse what Lambda would refuse, before sending megabytes over the connection."""
    if len(body) > MAX_RESPONSE_BYTES:
        raise ResponseSizeTooLarge(
            f"Response payload size ({len(body)} bytes) exceeded maximum allowed payload size "
            f"({MAX_RESPONSE_BYTES} bytes)."
        )
    return body


def begin(context: Context) -> None:
    """Stamp this invocation's ids on every log record until `end`."""
    stamp(context)


def end() -> None:
    stamp(NO_INVOCATION)


def handle(
    plan: Plan, event: bytes, context: Context, timings: Timings, unreadable: str | None = None
) -> Handled:
    """Run the phases on `event`; `timings` get the end of each phase.

    `unreadable`: why the event could not be read whole; it is then an unmarshal error.
    """
    phase = 0
    try:
        if unreadable is not None:
            raise UnreadableEvent(unreadable)
        value = plan.decode(event)
        timings.decoded = perf_counter_ns()
        phase = 1
        if plan.validate is not None:
            plan.validate(value, context)
        timings.validated = perf_counter_ns()
        phase = 2
        result = plan.handler(value, context)
        if plan.stream is not None and (stream := plan.stream(result)) is not None:
            return _started(stream, timings)
        timings.handled = perf_counter_ns()
        phase = 3
        body = check_response_size(plan.encode(result))
        timings.encoded = perf_counter_ns()
    except BaseException as exc:  # user code may raise anything, SystemExit included
        timings.failed_after(phase, perf_counter_ns())
        return failure(exc, FAILURE_OUTCOMES[phase])
    return Handled(SUCCESS, body)


def _started(stream: Any, timings: Timings) -> Handled:
    """Run a streamed handler up to its first chunk: a failure here is an ordinary error
    answer. `timings.handled` and `.encoded` are set again when the stream has ended."""
    try:
        stream.start()
    except BaseException as exc:
        timings.handled = timings.encoded = perf_counter_ns()
        return streamed_failure(exc)
    timings.handled = timings.encoded = perf_counter_ns()
    return Handled(SUCCESS, stream=stream)


def streamed_failure(exc: BaseException) -> Handled:
    """The error answer of a streamed handler: a chunk it cannot send (wrong type, over the
    limit) is a marshal error, anything its code raises a handler error."""
    marshal = isinstance(exc, (MarshalError, ResponseSizeTooLarge))
    return failure(exc, FAILURE_OUTCOMES[3 if marshal else 2])


def failure(exc: BaseException, outcome: str) -> Handled:
    """The error answer for `exc`, logged (the payload never holds the event itself)."""
    payload = exception_payload(exc)
    logger.error("invocation.error", outcome=outcome, **log_fields(payload))
    return Handled(outcome, error=payload, xray_cause=xray_error_cause(exc, payload))
