"""`--plot FILE`: a PNG of each phase's distribution, for people who would rather look.

Phases span four orders of magnitude (microseconds of unmarshal, tens of ms of handler), so the
box plots share a logarithmic axis.
"""

from __future__ import annotations

from pathlib import Path

from bench.findings import METRICS
from bench.join import JoinedRow


def plot_phases(rows: list[JoinedRow], path: Path, title: str) -> None:
    """Horizontal box plots, one per metric with data, written to `path` as PNG."""
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    from matplotlib import pyplot, ticker

    labels, series = [], []
    for label, extract in METRICS:
        values = [v for row in rows if (v := extract(row)) is not None and v > 0]
        if values:
            labels.append(label)
            series.append(values)
    if not series:
        raise ValueError("no joined rows to plot")
    figure, axes = pyplot.subplots(figsize=(11, 0.55 * len(series) + 1.6))
    axes.boxplot(series[::-1], orientation="horizontal", whis=(1, 99), showfliers=True,
                 flierprops={"markersize": 2, "alpha": 0.4})
    axes.set_yticks(range(1, len(labels) + 1), labels[::-1])
    axes.set_xscale("log")
    axes.xaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    axes.set_xlabel("milliseconds (log scale); box = p25..p75, line = p50, whiskers = p1..p99")
    axes.set_title(f"{title}: {len(rows)} invocations")
    axes.grid(axis="x", which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot.close(figure)
