"""The `invocation.metrics` line: one JSON record per invocation with its phase timings, outcome
and cold start flag, the function's own metrics, and the EMF members when configured. The one
home of the record's fields as written; the loop and the test client both call `log_metrics`.
"""

from __future__ import annotations

from ..settings import settings
from .metrics_record import (
    BYTES_FIELD,
    COLD_START_FIELD,
    FIRST_BYTE_FIELD,
    METRICS_MESSAGE,
    OUTCOME_FIELD,
    PHASE_FIELDS,
    TOTAL_FIELD,
    PlainRecord,
)
from .runtime_log import logger
from .timings import Timings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..framework.streaming import Stream
    from ..metrics import Collector
    from .emf import EmfRecord

_NEXT, _UNMARSHAL, _VALIDATE, _HANDLER, _MARSHAL, _POST = PHASE_FIELDS


def _ms(ns: int) -> float:
    """Nanoseconds as milliseconds rounded to the microsecond (integer maths: ~5x cheaper than
    round(), which cost ~5 us per metrics line)."""
    return (ns + 500) // 1000 / 1000


#: The module whose collector gathers the function's own metrics (`lambdaflow.metrics`).
USER_METRICS_MODULE = "lambdaflow.metrics"
_record_form: EmfRecord | PlainRecord | None = None


def _form() -> EmfRecord | PlainRecord:
    """The record's form (EMF or plain) from the environment, built at the first record: after
    the first response, so nothing of it is imported before; and `emf` not at all unless its
    variables are set (it decides, and warns about, what they say)."""
    global _record_form
    if _record_form is None:
        if settings.metrics_switch or settings.metrics_namespace:
            from .emf import record_format

            _record_form = record_format()
        else:
            _record_form = PlainRecord()
    return _record_form


def log_metrics(
    outcome: str,
    timings: Timings,
    done: int,
    cold_start: bool,
    collector: Collector | None,
    stream: Stream | None = None,
) -> None:
    """The invocation.metrics line, the one home of its fields: phase timings, a streamed
    answer's first byte and size, then the function's own metrics (`collector`) and the EMF
    members when configured."""
    fields: dict[str, Any] = {
        OUTCOME_FIELD: outcome,
        COLD_START_FIELD: cold_start,
        _NEXT: _ms(timings.received - timings.arrived),
        _UNMARSHAL: _ms(timings.decoded - timings.received),
        _VALIDATE: _ms(timings.validated - timings.decoded),
        _HANDLER: _ms(timings.handled - timings.validated),
        _MARSHAL: _ms(timings.encoded - timings.handled),
        _POST: _ms(done - timings.encoded),
        TOTAL_FIELD: _ms(done - timings.arrived),
    }
    if stream is not None:
        first_byte = stream.first_byte_ns or stream.ended_ns
        fields[FIRST_BYTE_FIELD] = _ms(first_byte - timings.validated)
        fields[BYTES_FIELD] = stream.sent
    extra = _form().fields(collector, cold_start)
    if extra:
        fields.update(extra)
    logger.info(METRICS_MESSAGE, **fields)
