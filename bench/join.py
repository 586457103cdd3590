"""Join REPORT lines with the runtime's metrics records on request id.

Rows that cannot be joined are counted and listed, never dropped silently: a lost metrics line or
an unparsable REPORT is itself a finding about the emulator or the runtime.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.logparse import ParsedLog, ParsedMetrics, ParsedReport


@dataclass(frozen=True)
class JoinedRow:
    """One invocation seen from both sides: the emulator's bill and the runtime's phases."""

    report: ParsedReport
    metrics: ParsedMetrics
    #: from the emulator's RESPONSE line; None when the backend printed none (the real RIE)
    response_ms: float | None = None

    @property
    def request_id(self) -> str:
        return self.report.request_id

    def as_dict(self) -> dict[str, Any]:
        """Flat record for the raw JSON output (`--out`)."""
        return {
            "request_id": self.request_id,
            "outcome": self.metrics.outcome,
            **self.metrics.phases,
            "response_ms": self.response_ms,
            "duration_ms": self.report.duration_ms,
            "billed_ms": self.report.billed_ms,
            "init_duration_ms": self.report.init_duration_ms,
            "memory_size_mb": self.report.memory_size_mb,
            "max_memory_used_mb": self.report.max_memory_used_mb,
        }


@dataclass
class JoinResult:
    """Joined rows in REPORT order, plus everything that could not be joined."""

    parsed: ParsedLog
    rows: list[JoinedRow] = field(default_factory=list)
    reports_without_metrics: list[ParsedReport] = field(default_factory=list)
    metrics_without_report: list[ParsedMetrics] = field(default_factory=list)
    duplicate_metrics: list[ParsedMetrics] = field(default_factory=list)

    @property
    def reports(self) -> list[ParsedReport]:
        """Every parsed REPORT, joined or not: init time and peak memory come from all of them."""
        return self.parsed.reports

    @property
    def starts(self) -> int:
        return len(self.parsed.start_ids)

    @property
    def unjoined(self) -> int:
        """How many records (either side) did not make it into a joined row."""
        return (
            len(self.reports_without_metrics)
            + len(self.metrics_without_report)
            + len(self.duplicate_metrics)
            + len(self.parsed.bad_reports)
            + len(self.parsed.bad_metrics)
            + len(self.parsed.bad_responses)
        )

    def unjoined_counts(self) -> dict[str, int]:
        """Named counts for the findings table and the JSON output."""
        return {
            "reports_without_metrics": len(self.reports_without_metrics),
            "metrics_without_report": len(self.metrics_without_report),
            "duplicate_metrics": len(self.duplicate_metrics),
            "unparsable_reports": len(self.parsed.bad_reports),
            "unparsable_metrics": len(self.parsed.bad_metrics),
            "unparsable_responses": len(self.parsed.bad_responses),
        }


def join(parsed: ParsedLog) -> JoinResult:
    """Pair each REPORT with the metrics record (and RESPONSE line) of the same request id."""
    by_id: dict[str, ParsedMetrics] = {}
    result = JoinResult(parsed)
    for metrics in parsed.metrics:
        if metrics.request_id in by_id:
            result.duplicate_metrics.append(metrics)
        else:
            by_id[metrics.request_id] = metrics
    response_ms = {response.request_id: response.response_ms for response in parsed.responses}
    for report in parsed.reports:
        metrics = by_id.pop(report.request_id, None)
        if metrics is None:
            result.reports_without_metrics.append(report)
        else:
            result.rows.append(JoinedRow(report, metrics, response_ms.get(report.request_id)))
    result.metrics_without_report = list(by_id.values())
    return result
