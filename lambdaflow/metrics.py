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
handler started: threads do not inherit contextvars by default, `asyncio.to_thread` does) calls
raise.
"""

from __future__ import annotations

from _contextvars import ContextVar  # as log_state: what `contextvars` re-exports

from .observability.emf_rules import (
    MAX_DIMENSIONS,
    MAX_METRICS,
    MAX_VALUES,
    MetricsError,
    check_dimension,
    check_dimension_value,
    check_metadata,
    check_metric_name,
    check_resolution,
    check_unit,
    check_value,
)
from .observability.metrics_record import RECORD_FIELDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["MetricsError", "add", "add_dimension", "add_metadata"]

#: The record's service dimension takes one of the DimensionSet's keys.
MAX_USER_DIMENSIONS = MAX_DIMENSIONS - 1


class Collector:
    """What one invocation added; the record's renderer reads it once the invocation is over.

    Metric names, dimension keys and metadata keys all become members of the record's root, so
    they share one namespace, apart from the record's own keys.
    """

    __slots__ = ("declarations", "dimensions", "metadata", "open", "values")

    def __init__(self) -> None:
        self.values: dict[str, list[float]] = {}
        #: Metric name -> (unit, storage resolution), in the order metrics were first added.
        self.declarations: dict[str, tuple[str, int]] = {}
        self.dimensions: dict[str, str] = {}
        self.metadata: dict[str, Any] = {}
        self.open = True

    def add(self, name: str, value: float, unit: str, resolution: int) -> None:
        if not self.open:
            raise _written()
        check_value(name, value)  # first: a refused first value must not declare the metric
        values = self.values.get(name)
        if values is None:
            self._declare(name, unit, resolution)
            self.values[name] = [value]
            return
        declared_unit, declared_resolution = self.declarations[name]
        if unit != declared_unit or resolution != declared_resolution:
            raise MetricsError(
                f"metric {name!r} was added with unit {declared_unit!r} and resolution "
                f"{declared_resolution} in this invocation, now {unit!r} and {resolution}"
            )
        if len(values) >= MAX_VALUES:
            raise MetricsError(f"metric {name!r}: at most {MAX_VALUES} values per invocation")
        values.append(value)

    def add_dimension(self, key: str, value: str) -> None:
        if not self.open:
            raise _written()
        if key in _checked_dimensions:
            check_dimension_value(key, value)
        else:
            check_dimension(key, value)
            _check_free_of_record(key, "dimension")
            _remember(_checked_dimensions, key)
        dimensions = self.dimensions
        if key not in dimensions:
            if key in self.values or key in self.metadata:
                self._refuse_reuse(key, "dimension")
            if len(dimensions) >= MAX_USER_DIMENSIONS:
                raise MetricsError(
                    f"dimension {key!r}: at most {MAX_USER_DIMENSIONS} dimensions per invocation "
                    f"({MAX_DIMENSIONS} per DimensionSet, one being the service)"
                )
        dimensions[key] = value

    def add_metadata(self, key: str, value: Any) -> None:
        if not self.open:
            raise _written()
        check_metadata(key, value)
        if key not in self.metadata:
            _check_free_of_record(key, "metadata key")
            if key in self.values or key in self.dimensions:
                self._refuse_reuse(key, "metadata key")
        self.metadata[key] = value

    def root_members(self) -> dict[str, Any]:
        """The record's root members this invocation added: dimensions, values, metadata."""
        members: dict[str, Any] = {**self.dimensions, **self.metadata}
        for name, values in self.values.items():
            members[name] = values[0] if len(values) == 1 else values
        return members

    def _declare(self, name: str, unit: str, resolution: int) -> None:
        if (name, unit, resolution) not in _checked_metrics or resolution.__class__ is not int:
            check_metric_name(name)  # `is not int`: True == 1 must not pass for a resolution
            check_unit(unit)
            check_resolution(resolution)
            _check_free_of_record(name, "metric")
            _remember(_checked_metrics, (name, unit, resolution))
        if name in self.dimensions or name in self.metadata:
            self._refuse_reuse(name, "metric")
        if len(self.declarations) >= MAX_METRICS:
            raise MetricsError(f"metric {name!r}: at most {MAX_METRICS} metrics per invocation")
        self.declarations[name] = (unit, resolution)

    def _refuse_reuse(self, name: str, kind: str) -> None:
        used = "dimension" if name in self.dimensions else "metric"
        if name in self.metadata:
            used = "metadata key"
        raise MetricsError(f"{kind} {name!r} is already a {used} of this invocation")


#: Declarations and dimension keys found valid in this process. Names are nearly always
#: literals in the function's code, so each is checked against CloudWatch's rules once rather
#: than per invocation; bounded, so names built from data cannot grow it without limit.
_checked_metrics: set[tuple[str, str, int]] = set()
_checked_dimensions: set[str] = set()
_CHECKED_LIMIT = 1024


def _remember(checked: set[Any], item: object) -> None:
    if len(checked) < _CHECKED_LIMIT:
        checked.add(item)


def _check_free_of_record(name: str, kind: str) -> None:
    if name in RECORD_FIELDS:
        raise MetricsError(f"{kind} {name!r} is a key of the invocation.metrics record")


def _written() -> MetricsError:
    return MetricsError("this invocation's metrics were already written; value dropped")


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
