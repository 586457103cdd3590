"""Synthetic emulator stdout in the exact RIE line format, with the runtime's metrics lines."""

from __future__ import annotations

import json

PHASE_VALUES = {
    "next_ms": 0.04,
    "unmarshal_ms": 0.003,
    "validate_ms": 0.001,
    "marshal_ms": 0.004,
    "post_ms": 0.05,
}


def metrics_line(request_id: str, handler_ms: float) -> str:
    """The runtime's `invocation.metrics` record, keys deliberately not in the documented order."""
    total = handler_ms + sum(PHASE_VALUES.values())
    record = {
        "total_ms": round(total, 6),
        "request_id": request_id,
        "handler_ms": handler_ms,
        "message": "invocation.metrics",
        "level": "INFO",
        "timestamp": "2026-11-28T08:00:00.000Z",
        "function_name": "function",
        "outcome": "success",
        **PHASE_VALUES,
    }
    return json.dumps(record)


def report_line(request_id: str, duration_ms: float, init_ms: float | None = None) -> str:
    """A REPORT line exactly as the RIE prints it (tabs, trailing tab)."""
    init = f"Init Duration: {init_ms:.2f} ms\t" if init_ms is not None else ""
    billed = int(-(-duration_ms // 1))
    return (
        f"REPORT RequestId: {request_id}\t{init}Duration: {duration_ms:.2f} ms\t"
        f"Billed Duration: {billed} ms\tMemory Size: 3008 MB\tMax Memory Used: 42 MB\t"
    )


def invocation(request_id: str, handler_ms: float, duration_ms: float,
               init_ms: float | None = None, with_metrics: bool = True) -> list[str]:
    """Lines one invocation produces: START, handler output, metrics, END, REPORT."""
    lines = [f"START RequestId: {request_id} Version: $LATEST", f"handler output for {request_id}"]
    if with_metrics:
        lines.append(metrics_line(request_id, handler_ms))
    return [*lines, f"END RequestId: {request_id}", report_line(request_id, duration_ms, init_ms)]
