"""Metadata made from caller data (issue 22): however deep, or self-referencing, it is refused
with a MetricsError naming the rule, never a RecursionError."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lambdaflow import metrics
from lambdaflow.metrics import MetricsError
from lambdaflow.observability.emf_rules import MAX_METADATA_DEPTH


@pytest.fixture(autouse=True)
def invocation() -> Iterator[metrics.Collector]:
    collector = metrics.begin()
    yield collector
    metrics.take()


def nested(depth: int, wrap=lambda inner: [inner]) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = wrap(value)
    return value


@pytest.mark.parametrize("wrap", [lambda inner: [inner], lambda inner: {"k": inner}])
@pytest.mark.parametrize("depth", [MAX_METADATA_DEPTH + 1, 1_000, 100_000])
def test_metadata_nested_too_deep_is_a_metrics_error(wrap, depth: int) -> None:
    with pytest.raises(MetricsError, match=f"nested deeper than {MAX_METADATA_DEPTH}"):
        metrics.add_metadata("cart", nested(depth, wrap))


def test_metadata_that_holds_itself_is_a_metrics_error() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(MetricsError, match="nested deeper"):
        metrics.add_metadata("cart", loop)


def test_metadata_up_to_the_depth_is_kept(invocation: metrics.Collector) -> None:
    value = nested(MAX_METADATA_DEPTH)
    metrics.add_metadata("cart", value)
    assert invocation.root_members()["cart"] == value
