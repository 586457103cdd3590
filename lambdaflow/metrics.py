"""The function's own metrics, sent to CloudWatch on the invocation's `invocation.metrics` line.

    from lambdaflow import metrics

    metrics.add("orders", 1)                                   # Count, standard resolution
    metrics.add("basket_value", 42.5, unit="None")
    metrics.add("queue_lag", 12, unit="Milliseconds", resolution=1)   # high resolution
    metrics.add_dimension("channel", "web")    # splits this invocation's metrics by channel
    metrics.add_metadata("order_id", "o-123")  # searchable in Logs Insights, not a metric

Values are collected during the invocation and written with its record, one line whatever their
number; adding a name again adds a value to it (up to 100). Names, units and values are checked
here, at the call, against what CloudWatch accepts (`emf_rules`): a `MetricsError` names the
broken rule instead of CloudWatch silently dropping the record.

Each invocation has its own collector in a contextvar the loop sets when the invocation starts
(`begin`) and takes back when it logs the record (`take`). So asyncio tasks serving overlapping
invocations each see their own, tasks a handler creates share its collector, and nothing carries
into the next invocation. Outside an invocation (at import, in cold_start, in a thread the
handler started: threads do not inherit contextvars, `asyncio.to_thread` does) calls raise.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from .emf_rules import (
    MAX_DIMENSIONS,
    MAX_METRICS,
    MAX_VALUES,
    MetricsError,
    check_dimension,
    check_metadata,
    check_metric_name,
    check_resolution,
    check_unit,
    check_value,
)
from .metrics_record import RECORD_FIELDS

__all__ = ["MetricsError", "add", "add_dimension", "add_metadata"]

#: The record's service dimension takes one of the DimensionSet's keys.
MAX_USER_DIMENSIONS = MAX_DIMENSIONS - 1


class Metric:
    """One metric's declaration and the values it got in this invocation."""

    __slots__ = ("resolution", "unit", "values")

    def __init__(self, unit: str, resolution: int) -> None:
        self.unit = unit
        self.resolution = resolution
        self.values: list[float | int] = []


class Collector:
    """What one invocation added; the record's renderer reads it once the invocation is over.

    Metric names, dimension keys and metadata keys all become members of the record's root, so
    they share one namespace, apart from the record's own keys.
    """

    __slots__ = ("dimensions", "metadata", "metrics", "open")

    def __init__(self) -> None:
        self.metrics: dict[str, Metric] = {}
        self.dimensions: dict[str, str] = {}
        self.metadata: dict[str, Any] = {}
        self.open = True

    def add(self, name: str, value: float, unit: str, resolution: int) -> None:
        self._check_open()
        metric = self.metrics.get(name)
        check_value(name, value)  # first: a refused first value must not declare the metric
        if metric is None:
            metric = self._declare(name, unit, resolution)
        elif unit != metric.unit or resolution != metric.resolution:
            raise MetricsError(
                f"metric {name!r} was added with unit {metric.unit!r} and resolution "
                f"{metric.resolution} in this invocation, now {unit!r} and {resolution}"
            )
        elif len(metric.values) >= MAX_VALUES:
            raise MetricsError(f"metric {name!r}: at most {MAX_VALUES} values per invocation")
        metric.values.append(value)

    def add_dimension(self, key: str, value: str) -> None:
        self._check_open()
        check_dimension(key, value)
        if key not in self.dimensions:
            self._check_free(key, "dimension")
            if len(self.dimensions) >= MAX_USER_DIMENSIONS:
                raise MetricsError(
                    f"dimension {key!r}: at most {MAX_USER_DIMENSIONS} dimensions per invocation "
                    f"({MAX_DIMENSIONS} per DimensionSet, one being the service)"
                )
        self.dimensions[key] = value

    def add_metadata(self, key: str, value: Any) -> None:
        self._check_open()
        check_metadata(key, value)
        if key not in self.metadata:
            self._check_free(key, "metadata key")
        self.metadata[key] = value

    def root_members(self) -> dict[str, Any]:
        """The record's root members this invocation added: dimensions, values, metadata."""
        members: dict[str, Any] = {**self.dimensions, **self.metadata}
        for name, metric in self.metrics.items():
            values = metric.values
            members[name] = values[0] if len(values) == 1 else values
        return members

    def _declare(self, name: str, unit: str, resolution: int) -> Metric:
        check_metric_name(name)
        check_unit(unit)
        check_resolution(resolution)
        self._check_free(name, "metric")
        if len(self.metrics) >= MAX_METRICS:
            raise MetricsError(f"metric {name!r}: at most {MAX_METRICS} metrics per invocation")
        metric = self.metrics[name] = Metric(unit, resolution)
        return metric

    def _check_free(self, name: str, kind: str) -> None:
        if name in RECORD_FIELDS:
            raise MetricsError(f"{kind} {name!r} is a key of the invocation.metrics record")
        for used, members in (
            ("metric", self.metrics),
            ("dimension", self.dimensions),
            ("metadata key", self.metadata),
        ):
            if name in members:
                raise MetricsError(f"{kind} {name!r} is already a {used} of this invocation")

    def _check_open(self) -> None:
        if not self.open:
            raise MetricsError("this invocation's metrics were already written; value dropped")


_current: ContextVar[Collector | None] = ContextVar("lambdaflow_metrics", default=None)


def _collector() -> Collector:
    collector = _current.get()
    if collector is None:
        raise MetricsError(
            "lambdaflow.metrics is usable only while an invocation runs (not at import, in "
            "cold_start or in a thread that does not copy the handler's context)"
        )
    return collector


def add(name: str, value: float, unit: str = "Count", resolution: int = 60) -> None:
    """Add a value to metric `name` (a CloudWatch unit; resolution 1 = high, 60 = standard)."""
    _collector().add(name, value, unit, resolution)


def add_dimension(key: str, value: str) -> None:
    """Split this invocation's own metrics by `key` (never give it a request or user id)."""
    _collector().add_dimension(key, value)


def add_metadata(key: str, value: Any) -> None:
    """Write `key` with this invocation's record: searchable in the logs, not a metric."""
    _collector().add_metadata(key, value)


def begin() -> Collector:
    """The loop's call as an invocation starts, in the task or thread that will serve it."""
    collector = Collector()
    _current.set(collector)
    return collector


def take() -> Collector | None:
    """The loop's call as it logs the record: the collector `begin` set here, now closed."""
    collector = _current.get()
    if collector is not None:
        collector.open = False
        _current.set(None)
    return collector
