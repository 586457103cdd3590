"""`--peers`: the same workload served by awslambdaric and a bare stdlib runtime, beside lambdaflow.

Both run behind their own instance of the same backend, invoked alternately in the same run
(bench.runner.run_alternating), so machine noise lands on both alike. awslambdaric has no phase
metrics, so the comparison uses what both have: the emulator's Duration and Billed Duration, the
handler time, and overhead = Duration (or Billed) minus handler. The stdlib runtime
(bench.toys.stdlib_runtime) is the floor: it also times its POST, so lambdaflow's `post_ms` can be
told apart from what the backend costs any runtime.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.findings import RESPONSE_METRICS, Findings
from bench.logparse import HANDLER_FIELD, POST_FIELD
from bench.stats import Summary
from bench.tables import fmt_ms

COMPARED = (
    "duration_ms (RIE)",
    "billed_ms (RIE)",
    HANDLER_FIELD,
    RESPONSE_METRICS[1],
    "duration_overhead_ms (duration - handler)",
    "billed_overhead_ms (billed - handler)",
    POST_FIELD,
    "loop_overhead_ms (total_internal - handler)",
)
# Issue 4: lambdaflow's overhead per invoke no worse than awslambdaric's by more than this.
OVERHEAD_MARGIN_MS = 0.2
OVERHEAD_METRIC = "duration_overhead_ms (duration - handler)"
BAR_PEER = "awslambdaric"


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or theirs == 0:
        return "-"
    return f"{ours / theirs:.2f}"


def _pick(summary: Summary | None, stat: str) -> float | None:
    return None if summary is None else getattr(summary, stat)


@dataclass(frozen=True)
class PeerComparison:
    """lambdaflow's findings for one workload beside each peer's (name -> findings)."""

    workload: str
    lambdaflow: Findings
    peers: dict[str, Findings]

    def overhead_gap_ms(self, peer: str, metric: str = OVERHEAD_METRIC) -> float | None:
        """p50 overhead of lambdaflow minus the peer's (positive: lambdaflow is slower)."""
        ours = _pick(self.lambdaflow.metrics.get(metric), "p50")
        theirs = _pick(self.peers[peer].metrics.get(metric), "p50")
        return None if ours is None or theirs is None else ours - theirs

    def _table(self, stat: str) -> list[str]:
        names = list(self.peers)
        header = (f"| Metric ({stat}, ms) | lambdaflow | " + " | ".join(names) + " | "
                  + " | ".join(f"lambdaflow / {name}" for name in names) + " |")
        lines = [header, "|---|" + "---:|" * (1 + 2 * len(names))]
        for metric in COMPARED:
            if metric not in self.lambdaflow.metrics:  # response rows: not from the real RIE
                continue
            ours = _pick(self.lambdaflow.metrics.get(metric), stat)
            theirs = [_pick(self.peers[name].metrics.get(metric), stat) for name in names]
            cells = [fmt_ms(ours), *map(fmt_ms, theirs), *(_ratio(ours, t) for t in theirs)]
            lines.append(f"| {metric} | " + " | ".join(cells) + " |")
        return lines

    def _gaps(self) -> list[str]:
        lines = []
        for name in self.peers:
            for metric in (OVERHEAD_METRIC, "billed_overhead_ms (billed - handler)"):
                gap = self.overhead_gap_ms(name, metric)
                bar = ""
                if name == BAR_PEER and metric == OVERHEAD_METRIC:
                    passed = gap is not None and gap <= OVERHEAD_MARGIN_MS
                    bar = f" (bar: <= {OVERHEAD_MARGIN_MS} ms): {'PASS' if passed else 'MISS'}"
                lines.append(f"gap: p50 {metric}, lambdaflow - {name} = {fmt_ms(gap)} ms{bar}")
        return lines

    def render(self) -> str:
        """p50 and mean tables with lambdaflow/peer ratios, the overhead gaps and the bar."""
        joined = ", ".join(f"{name} {f.joined}" for name, f in self.peers.items())
        lines = [
            f"## peers: {self.workload} ({self.lambdaflow.backend}, invoked alternately)",
            "",
            *self._table("p50"),
            "",
            *self._table("mean"),
            "",
            *self._gaps(),
            f"joined rows: lambdaflow {self.lambdaflow.joined}, {joined}",
        ]
        return "\n".join(lines) + "\n"
