"""`lambdaflow.metrics` refuses, at the call and with the rule named, what CloudWatch would drop."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from lambdaflow import metrics
from lambdaflow.metrics import MetricsError


@pytest.fixture(autouse=True)
def invocation() -> Iterator[metrics.Collector]:
    collector = metrics.begin()
    yield collector
    metrics.take()


def _many_metrics() -> None:
    for index in range(101):
        metrics.add(f"m{index}", 1)


def _many_values() -> None:
    for _ in range(101):
        metrics.add("orders", 1)


def _many_dimensions() -> None:
    for index in range(30):
        metrics.add_dimension(f"d{index}", "v")


REFUSED: list[tuple[Callable[[], None], str]] = [
    (lambda: metrics.add("", 1), "1 to 255 characters"),
    (lambda: metrics.add("x" * 256, 1), "1 to 255 characters"),
    (lambda: metrics.add("caf\u00e9", 1), "printable ASCII"),
    (lambda: metrics.add("   ", 1), "non-whitespace"),
    (lambda: metrics.add("a\nb", 1), "printable ASCII"),
    (lambda: metrics.add("a\tb", 1), "printable ASCII"),
    (lambda: metrics.add(3, 1), "must be a str"),  # type: ignore[arg-type]
    (lambda: metrics.add("orders", 1, unit="Millis"), "not a CloudWatch unit"),
    (lambda: metrics.add("orders", 1, resolution=30), "1 (high) or 60"),
    (lambda: metrics.add("orders", 1, resolution=True), "1 (high) or 60"),  # type: ignore[arg-type]
    (lambda: metrics.add("orders", float("nan")), "NaN or beyond"),
    (lambda: metrics.add("orders", float("inf")), "NaN or beyond"),
    (lambda: metrics.add("orders", 2.0**361), "NaN or beyond"),
    (lambda: metrics.add("orders", True), "int or float"),
    (lambda: metrics.add("orders", "1"), "int or float"),  # type: ignore[arg-type]
    (_many_metrics, "at most 100 metrics"),
    (_many_values, "at most 100 values"),
    (_many_dimensions, "at most 29 dimensions"),
    (lambda: metrics.add_dimension(":x", "v"), "must not start with ':'"),
    (lambda: metrics.add_dimension("x" * 251, "v"), "1 to 250 characters"),
    (lambda: metrics.add_dimension("channel", "v" * 1025), "1 to 1024 characters"),
    (lambda: metrics.add_dimension("channel", ""), "1 to 1024 characters"),
    (lambda: metrics.add_dimension("channel", 7), "must be a str"),  # type: ignore[arg-type]
    (lambda: metrics.add_dimension("channel", "\u00fcber"), "printable ASCII"),
    (lambda: metrics.add_metadata("", 1), "non-empty str"),
    (lambda: metrics.add_metadata("cart", {"total": float("nan")}), "not a JSON number"),
    (lambda: metrics.add_metadata("cart", [{1: "a"}]), "is not a str"),
    (lambda: metrics.add_metadata("cart", {1, 2}), "not a JSON type"),
]


@pytest.mark.parametrize(("call", "rule"), REFUSED)
def test_refused_with_the_rule_named(call: Callable[[], None], rule: str) -> None:
    with pytest.raises(MetricsError, match=re.escape(rule)):
        call()


@pytest.mark.parametrize(
    "name", ["outcome", "handler_ms", "total_ms", "service", "cold_start", "_aws", "request_id",
             "message", "level", "timestamp", "function_name", "tenant_id", "xray_trace_id"]
)
def test_the_records_own_keys_are_refused(name: str) -> None:
    """The sink's keys too: a metric named `tenant_id` would be declared in `_aws`, then
    overwritten by the sink with a string, which CloudWatch rejects."""
    for call in (
        lambda: metrics.add(name, 1),
        lambda: metrics.add_dimension(name, "v"),
        lambda: metrics.add_metadata(name, "v"),
    ):
        with pytest.raises(MetricsError, match=r"key of the invocation\.metrics record"):
            call()


def test_metrics_dimensions_and_metadata_share_the_records_root() -> None:
    metrics.add("orders", 1)
    metrics.add_dimension("channel", "web")
    metrics.add_metadata("order_id", "o-1")
    with pytest.raises(MetricsError, match="already a metric"):
        metrics.add_dimension("orders", "x")
    with pytest.raises(MetricsError, match="already a dimension"):
        metrics.add("channel", 1)
    with pytest.raises(MetricsError, match="already a metadata key"):
        metrics.add("order_id", 1)


def test_a_metric_keeps_its_unit_and_resolution_within_an_invocation() -> None:
    metrics.add("latency", 1, unit="Milliseconds", resolution=1)
    with pytest.raises(MetricsError, match="unit 'Milliseconds' and resolution 1"):
        metrics.add("latency", 2, unit="Seconds", resolution=1)
    with pytest.raises(MetricsError, match="now 'Milliseconds' and 60"):
        metrics.add("latency", 2, unit="Milliseconds")


def test_a_refused_call_changes_nothing(invocation: metrics.Collector) -> None:
    with pytest.raises(MetricsError):
        metrics.add("orders", float("nan"))
    with pytest.raises(MetricsError):
        metrics.add_dimension("channel", "")
    assert invocation.root_members() == {}
    metrics.add("orders", 2)
    assert invocation.root_members() == {"orders": 2}


def test_the_limits_themselves_are_accepted(invocation: metrics.Collector) -> None:
    for index in range(100):
        metrics.add(f"m{index}", index)
    for _ in range(99):
        metrics.add("m0", 1)
    for index in range(29):
        metrics.add_dimension(f"d{index}", "v" * 1024)
    metrics.add_dimension("d0", "replaced")  # a key set again is not a new dimension
    members = invocation.root_members()
    assert len(members["m0"]) == 100 and members["m99"] == 99 and members["d0"] == "replaced"


def test_outside_an_invocation_calls_are_refused() -> None:
    collector = metrics.take()
    assert collector is not None and metrics.take() is None
    with pytest.raises(MetricsError, match="only while an invocation runs"):
        metrics.add("orders", 1)
    with pytest.raises(MetricsError, match="already written"):
        collector.add("orders", 1, "Count", 60)
    metrics.begin()


def test_names_checked_once_are_still_checked_in_full_for_a_new_combination() -> None:
    metrics.add("latency", 1, unit="Milliseconds", resolution=1)
    metrics.take()
    metrics.begin()
    with pytest.raises(MetricsError, match=re.escape("1 (high) or 60")):
        metrics.add("latency", 1, unit="Milliseconds", resolution=True)  # type: ignore[arg-type]
    with pytest.raises(MetricsError, match="not a CloudWatch unit"):
        metrics.add("latency", 1, unit="Millis")
    metrics.add_dimension("channel", "web")
    with pytest.raises(MetricsError, match="printable ASCII"):
        metrics.add_dimension("channel", "\u00e9")


def test_names_made_from_data_do_not_grow_memory_without_bound() -> None:
    for index in range(1500):
        metrics.take()
        metrics.begin()
        metrics.add(f"orders_{index}", 1)
        metrics.add_dimension(f"dim_{index}", "v")
    assert len(metrics._checked_metrics) <= 1024 and len(metrics._checked_dimensions) <= 1024


def test_a_refused_dimension_value_is_not_quoted_in_the_error() -> None:
    with pytest.raises(MetricsError) as refused:
        metrics.add_dimension("customer", "secret-\u00e9-value")
    assert "secret" not in str(refused.value) and "'customer'" in str(refused.value)
