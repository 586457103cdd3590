"""awslambdaric handlers doing exactly what the echo and heavy examples do, on plain dicts.

`python -m awslambdaric bench.peer_handlers.heavy`. awslambdaric prints no per-phase metrics,
so each handler times its own work and prints one JSON line (message `bench.peer.metrics`) with
`handler_ms`; overhead is then the emulator's Duration/Billed Duration minus that.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any

from examples.heavy.work import parse_workload, run_workload
from lambdaflow.observability.metrics_record import FIELD_OF_PHASE

PEER_METRICS_MESSAGE = "bench.peer.metrics"


def _timed(work: Callable[[dict[str, Any]], dict[str, Any]], event: dict[str, Any],
           context: Any) -> dict[str, Any]:
    started = time.perf_counter_ns()
    try:
        return work(event)
    finally:
        handler_ms = (time.perf_counter_ns() - started) / 1e6
        record = {"message": PEER_METRICS_MESSAGE, "request_id": context.aws_request_id,
                  FIELD_OF_PHASE["handler"]: round(handler_ms, 6)}
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


def plain_echo(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """The echo contract without timing (for bench.toys.stdlib_runtime, which times it itself)."""
    if not event.get("input"):
        raise ValueError("input required")
    return {"message": event["input"]}


def plain_heavy(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """The heavy contract without timing (for bench.toys.stdlib_runtime)."""
    workload = parse_workload(event["input"])
    return {"workload": event["input"], "busy_rounds": run_workload(workload)}


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Same contract as examples/echo: {"input": "hi"} -> {"message": "hi"}."""
    return _timed(plain_echo, event, context)


def heavy(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Same contract as examples/heavy: {"input": "cpu:20ms"} -> {"workload": ..., ...}."""
    return _timed(plain_heavy, event, context)
