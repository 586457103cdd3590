"""`--peers`: the same workload served by awslambdaric, side by side with lambdaflow.

Both run behind their own instance of the same backend, invoked alternately in the same run
(bench.runner.run_alternating), so machine noise lands on both alike. awslambdaric has no phase
metrics, so the comparison uses what both have: the emulator's Duration and Billed Duration, the
handler time, and overhead = Duration (or Billed) minus handler.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.findings import Findings
from bench.report import fmt_ms
from bench.stats import Summary

COMPARED = (
    "duration_ms (RIE)",
    "billed_ms (RIE)",
    "handler_ms",
    "duration_overhead_ms (duration - handler)",
    "billed_overhead_ms (billed - handler)",
)
# Issue 4: lambdaflow's overhead per invoke no worse than awslambdaric's by more than this.
OVERHEAD_MARGIN_MS = 0.2
OVERHEAD_METRIC = "duration_overhead_ms (duration - handler)"


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or theirs == 0:
        return "-"
    return f"{ours / theirs:.2f}"


def _pick(summary: Summary | None, stat: str) -> float | None:
    return None if summary is None else getattr(summary, stat)


@dataclass(frozen=True)
class PeerComparison:
    """lambdaflow's and awslambdaric's findings for one workload."""

    workload: str
    lambdaflow: Findings
    awslambdaric: Findings

    def overhead_gap_ms(self, metric: str = OVERHEAD_METRIC) -> float | None:
        """p50 overhead of lambdaflow minus awslambdaric's (positive: lambdaflow is slower)."""
        ours = _pick(self.lambdaflow.metrics.get(metric), "p50")
        theirs = _pick(self.awslambdaric.metrics.get(metric), "p50")
        return None if ours is None or theirs is None else ours - theirs

    def render(self) -> str:
        """Side-by-side table (p50 and mean, with lambdaflow/awslambdaric ratios) and the bar."""
        lines = [
            f"## peers: {self.workload} ({self.lambdaflow.backend})",
            "",
            "| Metric (ms) | lambdaflow p50 | awslambdaric p50 | ratio p50 | lambdaflow mean "
            "| awslambdaric mean | ratio mean |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for metric in COMPARED:
            ours = self.lambdaflow.metrics.get(metric)
            theirs = self.awslambdaric.metrics.get(metric)
            cells = []
            for stat in ("p50", "mean"):
                a, b = _pick(ours, stat), _pick(theirs, stat)
                cells += [fmt_ms(a), fmt_ms(b), _ratio(a, b)]
            lines.append(f"| {metric} | " + " | ".join(cells) + " |")
        lines.append("")
        for metric in (OVERHEAD_METRIC, "billed_overhead_ms (billed - handler)"):
            gap = self.overhead_gap_ms(metric)
            verdict = "PASS" if gap is not None and gap <= OVERHEAD_MARGIN_MS else "MISS"
            bar = ""
            if metric == OVERHEAD_METRIC:
                bar = f" (bar: <= {OVERHEAD_MARGIN_MS} ms): {verdict}"
            lines.append(f"gap: p50 {metric}, lambdaflow - awslambdaric = {fmt_ms(gap)} ms{bar}")
        counts = (self.lambdaflow.joined, self.awslambdaric.joined)
        lines.append(f"joined rows: lambdaflow {counts[0]}, awslambdaric {counts[1]}")
        return "\n".join(lines) + "\n"
