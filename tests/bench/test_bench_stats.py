"""Percentiles and summaries against independent computations."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.stats import percentile, summarize

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def test_known_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.5
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 99) == 7.0


@given(st.lists(finite, min_size=2, max_size=200))
def test_matches_statistics_module(values: list[float]) -> None:
    assert percentile(values, 50) == pytest.approx(statistics.median(values), abs=1e-6)
    inclusive = statistics.quantiles(values, n=100, method="inclusive")
    assert percentile(values, 99) == pytest.approx(inclusive[98], abs=1e-6)


def test_summary() -> None:
    summary = summarize([3.0, 1.0, 2.0])
    assert summary is not None
    assert (summary.count, summary.mean, summary.p50, summary.max) == (3, 2.0, 2.0, 3.0)
    assert summarize([]) is None


@pytest.mark.parametrize("q", [-1, 101])
def test_out_of_range(q: float) -> None:
    with pytest.raises(ValueError):
        percentile([1.0], q)
