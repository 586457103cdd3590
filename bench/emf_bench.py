"""Per-invoke cost of metrics in CloudWatch's EMF: lambdaflow's record against Powertools Metrics.

    taskset -c 0 python -m bench emf [--calls N] [--rounds R]

In one process, interleaved round by round, each contender does what one invocation costs for
its metrics and writes its line(s) to a real file (/dev/null) through the same sys.stdout:

- `bare`: a handler call, nothing logged (what awslambdaric + a Powertools-free handler pays);
- `today`: lambdaflow's `invocation.metrics` line as the loop logs it now;
- `emf`: the same line in EMF (phase timings, cold_start, outcome), with the per-invocation
  collector begun and taken as the loop will;
- `emf+user`: the same, the handler adding 3 metrics (one twice, one high resolution),
  a dimension and a metadata key through `lambdaflow.metrics`;
- `powertools`: a handler under `@metrics.log_metrics(capture_cold_start_metric=True)` adding
  the same 7 timings and an outcome dimension, Powertools' way to publish them;
- `powertools+user`: a handler adding only the 3 user metrics, dimension and metadata.

Added cost: lambdaflow's over `today` (the line exists without EMF), Powertools' over `bare`.
The bar: lambdaflow's added cost <= 0.5x Powertools' for the same metrics. The line the
loop logs is mirrored here (`_phase_fields`) until the loop takes EMF fields itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections.abc import Callable
from time import perf_counter_ns
from typing import Any

from lambdaflow import metrics
from lambdaflow.observability import emf
from lambdaflow.observability import log_sink as lf_logging
from lambdaflow.observability.metrics_record import METRICS_MESSAGE, PHASE_FIELDS, TOTAL_FIELD

NAMESPACE = "Shop"
SERVICE = "fn"
_MARKS = (0, 21_000, 48_000, 52_000, 1_310_000, 1_335_000, 1_402_000)  # ns, a plausible run
_NS_PER_MS = 1_000_000


class _Context:
    """What Powertools' decorator reads of a Lambda context."""

    function_name = SERVICE


def _phase_fields() -> dict[str, float]:
    """The loop's phase timings, computed as `loop._log_metrics` does."""
    marks = _MARKS
    fields = {
        name: round((marks[i + 1] - marks[i]) / _NS_PER_MS, 3)
        for i, name in enumerate(PHASE_FIELDS)
    }
    fields[TOTAL_FIELD] = round((marks[-1] - marks[0]) / _NS_PER_MS, 3)
    return fields


def _user_metrics() -> None:
    metrics.add("orders", 1)
    metrics.add("orders", 2)
    metrics.add("basket_value", 42.5, unit="None")
    metrics.add("queue_lag", 12, unit="Milliseconds", resolution=1)
    metrics.add_dimension("channel", "web")
    metrics.add_metadata("order_id", "o-123")


def _handler(event: Any, context: Any) -> dict[str, bool]:
    return {"ok": True}


def lambdaflow_contenders() -> dict[str, Callable[[], object]]:
    record = emf.EmfRecord(NAMESPACE, SERVICE)
    info = lf_logging.logger.info
    context = _Context()

    def today() -> None:
        _handler({}, context)
        info(METRICS_MESSAGE, outcome="success", **_phase_fields())

    def with_emf() -> None:
        metrics.begin()
        _handler({}, context)
        extra = record.fields(metrics.take(), False)
        info(METRICS_MESSAGE, outcome="success", **_phase_fields(), **extra)

    def with_emf_and_user() -> None:
        metrics.begin()
        _handler({}, context)
        _user_metrics()
        extra = record.fields(metrics.take(), False)
        info(METRICS_MESSAGE, outcome="success", **_phase_fields(), **extra)

    return {"bare": lambda: _handler({}, context), "today": today, "emf": with_emf,
            "emf+user": with_emf_and_user}


def powertools_contenders() -> dict[str, Callable[[], object]]:
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.metrics import MetricResolution, MetricUnit

    tools = Metrics(namespace=NAMESPACE, service=SERVICE)
    context = _Context()

    @tools.log_metrics(capture_cold_start_metric=True)
    def phases(event: Any, context: Any) -> dict[str, bool]:
        for name, value in _phase_fields().items():
            tools.add_metric(name=name, unit=MetricUnit.Milliseconds, value=value)
        tools.add_dimension(name="outcome", value="success")
        return _handler(event, context)

    @tools.log_metrics(capture_cold_start_metric=True)
    def user(event: Any, context: Any) -> dict[str, bool]:
        tools.add_metric(name="orders", unit=MetricUnit.Count, value=1)
        tools.add_metric(name="orders", unit=MetricUnit.Count, value=2)
        tools.add_metric(name="basket_value", unit=MetricUnit.NoUnit, value=42.5)
        tools.add_metric(name="queue_lag", unit=MetricUnit.Milliseconds, value=12,
                         resolution=MetricResolution.High)
        tools.add_dimension(name="channel", value="web")
        tools.add_metadata(key="order_id", value="o-123")
        return _handler(event, context)

    return {"powertools": lambda: phases({}, context),
            "powertools+user": lambda: user({}, context)}


def measure(contenders: dict[str, Callable[[], object]], calls: int, rounds: int
            ) -> dict[str, float]:
    """Median over rounds of the mean ns per call; contenders alternate within each round."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, call in contenders.items():
            started = perf_counter_ns()
            for _ in range(calls):
                call()
            samples[name].append((perf_counter_ns() - started) / calls)
    return {name: statistics.median(values) for name, values in samples.items()}


def report(ns: dict[str, float]) -> str:
    lines = [f"{'contender':<18}{'ns/invoke':>12}"]
    lines += [f"{name:<18}{value:>12.0f}" for name, value in ns.items()]
    pairs = [("emf", "powertools"), ("emf+user", "powertools+user")]
    for ours, theirs in pairs:
        added = ns[ours] - ns["today"]
        their_added = ns[theirs] - ns["bare"]
        lines.append(
            f"{ours} added {added:.0f} ns over today; {theirs} added {their_added:.0f} ns over "
            f"bare: ratio {added / their_added:.2f} (bar <= 0.5); whole line vs theirs: "
            f"{(ns[ours] - ns['bare']) / their_added:.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench emf", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per round (%(default)s)")
    parser.add_argument("--rounds", type=int, default=15, help="rounds (%(default)s)")
    args = parser.parse_args(argv)
    os.environ.pop("POWERTOOLS_METRICS_DISABLED", None)
    lf_logging.configure(SERVICE)
    contenders = {**lambdaflow_contenders(), **powertools_contenders()}
    real_stdout = sys.stdout
    with open(os.devnull, "w") as sink:
        sys.stdout = sink
        try:
            for call in contenders.values():  # warm up; Powertools' cold-start line goes here
                call()
            ns = measure(contenders, args.calls, args.rounds)
        finally:
            sys.stdout = real_stdout
    print(f"{args.rounds} rounds x {args.calls} calls, median of per-round means")
    print(report(ns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
