"""Synthetic emulator stdout in the exact RIE line format, with the runtime's metrics lines.

Invocations are named (`invocation("r1", ...)`); `request_id("r1")` is the UUID its lines carry,
as the RIE's lines do.
"""

from __future__ import annotations

import json
import uuid

from lambdaflow.emulator.output.report import billed_ms, response_line
from lambdaflow.observability.metrics_record import (
    FIELD_OF_PHASE,
    METRICS_MESSAGE,
    OUTCOME_FIELD,
    PHASE_FIELDS,
    TOTAL_FIELD,
)

HANDLER_FIELD = FIELD_OF_PHASE["handler"]
#: Every phase but the handler's, whose time each invocation chooses.
PHASE_VALUES = dict(zip((f for f in PHASE_FIELDS if f != HANDLER_FIELD),
                        (0.04, 0.003, 0.001, 0.004, 0.05), strict=True))


def request_id(name: str) -> str:
    """The request id of the invocation called `name`: a UUID, as in every REPORT line."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def metrics_line(rid: str, handler_ms: float) -> str:
    """The runtime's `invocation.metrics` record, keys deliberately not in the documented order."""
    total = handler_ms + sum(PHASE_VALUES.values())
    record = {
        TOTAL_FIELD: round(total, 6),
        "request_id": rid,
        HANDLER_FIELD: handler_ms,
        "message": METRICS_MESSAGE,
        "level": "INFO",
        "timestamp": "2026-11-28T08:00:00.000Z",
        "function_name": "function",
        OUTCOME_FIELD: "success",
        **PHASE_VALUES,
    }
    return json.dumps(record)


def report_line(rid: str, duration_ms: float, init_ms: float | None = None) -> str:
    """A REPORT line exactly as the RIE prints it (tabs, trailing tab)."""
    init = f"Init Duration: {init_ms:.2f} ms\t" if init_ms is not None else ""
    return (
        f"REPORT RequestId: {rid}\t{init}Duration: {duration_ms:.2f} ms\t"
        f"Billed Duration: {billed_ms(duration_ms)} ms\tMemory Size: 3008 MB\t"
        "Max Memory Used: 42 MB\t"
    )


def invocation(name: str, handler_ms: float, duration_ms: float,
               init_ms: float | None = None, with_metrics: bool = True,
               response_ms: float | None = None) -> list[str]:
    """Lines one invocation produces: START, handler output, metrics, END, REPORT (and the
    emulator's RESPONSE line when `response_ms` is given, as with `--response-lines`)."""
    rid = request_id(name)
    lines = [f"START RequestId: {rid} Version: $LATEST", f"handler output for {rid}"]
    if with_metrics:
        lines.append(metrics_line(rid, handler_ms))
    lines += [f"END RequestId: {rid}", report_line(rid, duration_ms, init_ms)]
    return lines if response_ms is None else [*lines, response_line(rid, response_ms)]
