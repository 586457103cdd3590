"""Summary statistics for the findings table: mean, p50, p99, max."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks.

    Same definition as numpy's default, so figures match what people compute by hand.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside 0..100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Summary:
    """Mean, median, tail and worst case of one metric."""

    count: int
    mean: float
    p50: float
    p99: float
    max: float


def summarize(values: Sequence[float]) -> Summary | None:
    """Summary of `values`, or None when there are none (the table then shows a dash)."""
    if not values:
        return None
    return Summary(
        count=len(values),
        mean=math.fsum(values) / len(values),
        p50=percentile(values, 50),
        p99=percentile(values, 99),
        max=max(values),
    )
