"""From joined rows to findings: per-phase summaries, overheads, init time, memory, throughput.

Overhead is what the runtime and emulator add around the user's handler; it is the figure the
issue's bars are about, so it gets its own rows next to the raw phases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.join import JoinedRow, JoinResult
from bench.logparse import HANDLER_FIELD, POST_FIELD
from bench.stats import Summary, summarize
from lambdaflow.observability.metrics_record import PHASE_FIELDS, TOTAL_FIELD

Extractor = Callable[[JoinedRow], float | None]


def _phase(name: str) -> Extractor:
    return lambda row: row.metrics.phases.get(name)


def _minus_handler(value: Callable[[JoinedRow], float | None]) -> Extractor:
    def extract(row: JoinedRow) -> float | None:
        minuend = value(row)
        handler = row.metrics.phases.get(HANDLER_FIELD)
        return None if minuend is None or handler is None else minuend - handler

    return extract


def _in_process(row: JoinedRow) -> float | None:
    """total minus the POST round trip: what the runtime spends outside any HTTP wait."""
    total, post = row.metrics.phases.get(TOTAL_FIELD), row.metrics.phases.get(POST_FIELD)
    return None if total is None or post is None else total - post


def _billed(row: JoinedRow) -> float:
    return float(row.report.billed_ms)


def _duration(row: JoinedRow) -> float:
    return row.report.duration_ms


def _response(row: JoinedRow) -> float | None:
    return row.response_ms


#: Rows only the emulator's RESPONSE lines feed; left out of the table when the backend printed
#: none (the real RIE), rather than shown as dashes.
RESPONSE_METRICS = ("response_ms (emulator)", "response_overhead_ms (response - handler)")


# (label, extractor) in table order; the first eight are the original design's rows.
METRICS: tuple[tuple[str, Extractor], ...] = (
    *((name, _phase(name)) for name in PHASE_FIELDS),
    ("total_internal_ms", _phase(TOTAL_FIELD)),
    ("billed_ms (RIE)", _billed),
    ("duration_ms (RIE)", _duration),
    (RESPONSE_METRICS[0], _response),
    ("loop_overhead_ms (total_internal - handler)", _minus_handler(_phase(TOTAL_FIELD))),
    ("in_process_ms (total_internal - handler - post)", _minus_handler(_in_process)),
    (RESPONSE_METRICS[1], _minus_handler(_response)),
    ("duration_overhead_ms (duration - handler)", _minus_handler(_duration)),
    ("billed_overhead_ms (billed - handler)", _minus_handler(_billed)),
)

# The per-input table: where overhead differs between sleeping and CPU-bound handlers.
BREAKDOWN = (
    HANDLER_FIELD,
    POST_FIELD,
    "loop_overhead_ms (total_internal - handler)",
    "duration_overhead_ms (duration - handler)",
    "billed_overhead_ms (billed - handler)",
)

# Issue 4's bars, checked on the p50 of the heavy run: (metric label, limit in ms).
BARS: tuple[tuple[str, float], ...] = (
    ("loop_overhead_ms (total_internal - handler)", 0.3),
    ("billed_overhead_ms (billed - handler)", 1.5),
)


@dataclass(frozen=True)
class RunFacts:
    """What the runner measured from the outside."""

    invokes: int
    warmup: int  # the first invokes, left out of the summaries (cold start lands there)
    failed_invokes: int
    invoke_wall_s: float
    ready_s: float
    first_invoke_ms: float | None


@dataclass
class Findings:
    """Everything the findings table shows, also written to JSON with `--out`."""

    title: str
    backend: str
    facts: RunFacts
    metrics: dict[str, Summary | None]
    joined: int
    unjoined: dict[str, int]
    starts: int
    reports: int
    init_duration_ms: float | None
    peak_memory_mb: int | None
    memory_size_mb: int | None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def invocations_per_s(self) -> float | None:
        wall = self.facts.invoke_wall_s
        return self.facts.invokes / wall if wall > 0 else None

    def as_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["invocations_per_s"] = self.invocations_per_s
        return record

    def bar_results(self) -> list[tuple[str, float, float | None, bool]]:
        """(label, limit, measured p50, passed) for each bar; no data counts as failed."""
        results = []
        for label, limit in BARS:
            summary = self.metrics.get(label)
            measured = summary.p50 if summary is not None else None
            results.append((label, limit, measured, measured is not None and measured <= limit))
        return results


def steady_rows(joined: JoinResult, warmup: int) -> list[JoinedRow]:
    """Joined rows whose REPORT came after the first `warmup` REPORTs."""
    position = {report.request_id: index for index, report in enumerate(joined.reports)}
    return [row for row in joined.rows if position[row.request_id] >= warmup]


def build_findings(
    title: str, backend: str, joined: JoinResult, facts: RunFacts
) -> Findings:
    """Summarise every metric over the joined rows after the warm-up, and the run-wide facts."""
    metrics = {}
    steady = steady_rows(joined, facts.warmup)
    with_responses = any(row.response_ms is not None for row in joined.rows)
    for label, extract in METRICS:
        if label in RESPONSE_METRICS and not with_responses:
            continue
        values = [value for row in steady if (value := extract(row)) is not None]
        metrics[label] = summarize(values)
    inits = [r.init_duration_ms for r in joined.reports if r.init_duration_ms is not None]
    return Findings(
        title=title,
        backend=backend,
        facts=facts,
        metrics=metrics,
        joined=len(joined.rows),
        unjoined=joined.unjoined_counts(),
        starts=joined.starts,
        reports=len(joined.reports),
        init_duration_ms=inits[0] if inits else None,
        peak_memory_mb=max((r.max_memory_used_mb for r in joined.reports), default=None),
        memory_size_mb=max((r.memory_size_mb for r in joined.reports), default=None),
    )


def breakdown_by_input(rows: list[JoinedRow], inputs: dict[str, str], order: Sequence[str]
                       ) -> dict[str, dict[str, Summary | None]]:
    """BREAKDOWN metrics per event input, in `order` (rows whose input is unknown are skipped)."""
    extractors = dict(METRICS)
    grouped: dict[str, list[JoinedRow]] = {name: [] for name in order}
    for row in rows:
        if row.request_id in inputs:
            grouped.setdefault(inputs[row.request_id], []).append(row)
    return {
        name: {
            label: summarize([v for row in group if (v := extractors[label](row)) is not None])
            for label in BREAKDOWN
        }
        for name, group in grouped.items()
        if group
    }
