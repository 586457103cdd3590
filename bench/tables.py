"""Render findings as Markdown tables (the shape of the original design's findings table)."""

from __future__ import annotations

from bench.findings import RESPONSE_METRICS, Findings
from bench.stats import Summary


def fmt_ms(value: float | None) -> str:
    """Milliseconds with enough digits for sub-millisecond phases; a dash for no data."""
    return "-" if value is None else f"{value:.3f}"


def _metric_row(label: str, summary: Summary | None) -> str:
    if summary is None:
        return f"| {label} | - | - | - | - |"
    cells = (fmt_ms(summary.mean), fmt_ms(summary.p50), fmt_ms(summary.p99), fmt_ms(summary.max))
    return f"| {label} | " + " | ".join(cells) + " |"


def render_metrics_table(findings: Findings) -> str:
    """The findings table: one row per phase/derived metric, Average then p50, p99, max."""
    lines = [
        "| Metric | Average (ms) | p50 (ms) | p99 (ms) | Max (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [_metric_row(label, summary) for label, summary in findings.metrics.items()]
    if RESPONSE_METRICS[0] not in findings.metrics:
        lines.append("\n(no RESPONSE lines from this backend (the real RIE prints none): "
                     "no response_ms rows)")
    return "\n".join(lines)


def _facts(findings: Findings) -> list[tuple[str, str]]:
    facts = findings.facts
    per_s = findings.invocations_per_s
    memory = "-"
    if findings.peak_memory_mb is not None:
        memory = f"{findings.peak_memory_mb} MB (Memory Size {findings.memory_size_mb} MB)"
    rows = [
        ("init time (Init Duration, first REPORT)", f"{fmt_ms(findings.init_duration_ms)} ms"),
        ("backend ready (spawn -> accepting invokes)", f"{facts.ready_s:.3f} s"),
        ("first invoke round trip (client side)", f"{fmt_ms(facts.first_invoke_ms)} ms"),
        ("peak memory (max Max Memory Used)", memory),
        ("invocations/s (sequential, client side)", "-" if per_s is None else f"{per_s:.1f}"),
        ("invokes sent / failed (not 200, or not the function's answer)",
         f"{facts.invokes} / {facts.failed_invokes}"),
        ("warm-up invokes left out of the table", str(facts.warmup)),
        ("START / REPORT lines", f"{findings.starts} / {findings.reports}"),
        ("joined rows", str(findings.joined)),
    ]
    rows += [(f"unjoined: {name}", str(count)) for name, count in findings.unjoined.items()]
    return rows


def render_facts_table(findings: Findings) -> str:
    """Run-wide facts: init, memory, throughput, and the join's bookkeeping."""
    lines = ["| Fact | Value |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in _facts(findings)]
    return "\n".join(lines)


def render_bars(findings: Findings) -> str:
    """One line per issue-4 bar: measured p50 against the limit, PASS or MISS."""
    lines = []
    for label, limit, measured, passed in findings.bar_results():
        verdict = "PASS" if passed else "MISS"
        lines.append(f"bar: p50 {label} = {fmt_ms(measured)} ms (limit {limit} ms): {verdict}")
    return "\n".join(lines)


def render_breakdown(by_input: dict[str, dict[str, Summary | None]]) -> str:
    """p50 of the overhead metrics per event input (count in brackets)."""
    if not by_input:
        return "(no per-input table: some invokes left no REPORT, so inputs are unknown)\n"
    labels = next(iter(by_input.values())).keys()
    lines = ["| Input (count) | " + " | ".join(f"{label} p50" for label in labels) + " |",
             "|---|" + "---:|" * len(labels)]
    for name, metrics in by_input.items():
        count = max((s.count for s in metrics.values() if s is not None), default=0)
        cells = [fmt_ms(None if s is None else s.p50) for s in metrics.values()]
        lines.append(f"| {name} ({count}) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_findings(findings: Findings, with_bars: bool = False) -> str:
    """Heading, findings table, facts table and (for the heavy run) the bars."""
    parts = [
        f"## {findings.title} ({findings.backend})",
        render_metrics_table(findings),
        render_facts_table(findings),
    ]
    if with_bars:
        parts.append(render_bars(findings))
    return "\n\n".join(parts) + "\n"
