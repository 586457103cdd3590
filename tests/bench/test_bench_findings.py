"""Findings (summaries, overheads, bars) and their Markdown rendering."""

from __future__ import annotations

import pytest

from bench.findings import METRICS, RunFacts, breakdown_by_input, build_findings
from bench.join import join
from bench.logparse import parse_log
from bench.tables import render_breakdown, render_findings
from lambdaflow.observability.metrics_record import FIELD_OF_PHASE
from tests.bench.synthetic import PHASE_VALUES, invocation, request_id

FACTS = RunFacts(invokes=3, warmup=0, failed_invokes=0, invoke_wall_s=1.5, ready_s=0.4,
                 first_invoke_ms=160.0)


def _findings(lines: list[str]):
    return build_findings("heavy", "emulator", join(parse_log(lines)), FACTS)


def test_overheads_are_computed_per_row() -> None:
    lines = (invocation("r1", 20.0, 20.6, init_ms=150.0) + invocation("r2", 50.0, 51.2)
             + invocation("r3", 20.0, 20.9))
    findings = _findings(lines)
    loop = findings.metrics["loop_overhead_ms (total_internal - handler)"]
    assert loop is not None
    assert loop.p50 == pytest.approx(sum(PHASE_VALUES.values()))
    in_process = findings.metrics["in_process_ms (total_internal - handler - post)"]
    assert in_process is not None
    post = PHASE_VALUES[FIELD_OF_PHASE["post"]]
    assert in_process.p50 == pytest.approx(sum(PHASE_VALUES.values()) - post)
    billed = findings.metrics["billed_overhead_ms (billed - handler)"]
    assert billed is not None
    assert (billed.p50, billed.max) == (pytest.approx(1.0), pytest.approx(2.0))  # 21-20, 52-50
    assert findings.init_duration_ms == 150.0
    assert findings.peak_memory_mb == 42
    assert findings.invocations_per_s == pytest.approx(2.0)
    assert [passed for *_, passed in findings.bar_results()] == [True, True]


def test_bars_miss_when_overhead_is_large_or_missing() -> None:
    findings = _findings(invocation("r1", 20.0, 25.0))
    assert [passed for *_, passed in findings.bar_results()] == [True, False]
    assert [passed for *_, passed in _findings([]).bar_results()] == [False, False]


def test_table_shape() -> None:
    text = render_findings(_findings(invocation("r1", 20.0, 20.6)), with_bars=True)
    lines = text.splitlines()
    header = lines.index("| Metric | Average (ms) | p50 (ms) | p99 (ms) | Max (ms) |")
    rows = lines[header + 2: header + 2 + len(METRICS)]
    assert [row.split(" | ")[0] for row in rows[:8]] == [
        "| next_ms", "| unmarshal_ms", "| validate_ms", "| handler_ms", "| marshal_ms",
        "| post_ms", "| total_internal_ms", "| billed_ms (RIE)",
    ]
    assert "| billed_ms (RIE) | 21.000 | 21.000 | 21.000 | 21.000 |" in rows
    assert "| unjoined: reports_without_metrics | 0 |" in lines
    assert sum(line.startswith("bar: ") for line in lines) == 2


def test_response_rows_when_the_backend_printed_response_lines() -> None:
    lines = (invocation("r1", 20.0, 20.9, response_ms=20.25)
             + invocation("r2", 50.0, 51.0, response_ms=50.75))
    findings = _findings(lines)
    response = findings.metrics["response_ms (emulator)"]
    assert response is not None and (response.count, response.max) == (2, 50.75)
    overhead = findings.metrics["response_overhead_ms (response - handler)"]
    assert overhead is not None
    assert (overhead.p50, overhead.max) == (pytest.approx(0.5), pytest.approx(0.75))
    text = render_findings(findings)
    assert "| response_overhead_ms (response - handler) | 0.500 | 0.500 | " in text
    assert "no RESPONSE lines" not in text


def test_no_response_rows_without_response_lines() -> None:
    findings = _findings(invocation("r1", 20.0, 20.6))
    assert "response_ms (emulator)" not in findings.metrics
    assert "response_overhead_ms (response - handler)" not in findings.metrics
    text = render_findings(findings)
    assert "response_" not in text.replace("no response_ms rows", "")
    assert "(no RESPONSE lines from this backend" in text


def test_no_rows_shows_dashes() -> None:
    text = render_findings(_findings([]))
    assert "| handler_ms | - | - | - | - |" in text


def test_warmup_rows_are_left_out_of_the_summaries() -> None:
    lines = invocation("cold", 20.0, 400.0, init_ms=300.0) + invocation("warm", 20.0, 20.5)
    facts = RunFacts(invokes=2, warmup=1, failed_invokes=0, invoke_wall_s=1.0, ready_s=0.1,
                     first_invoke_ms=None)
    findings = build_findings("heavy", "emulator", join(parse_log(lines)), facts)
    duration = findings.metrics["duration_ms (RIE)"]
    assert duration is not None and (duration.count, duration.max) == (1, 20.5)
    assert findings.init_duration_ms == 300.0
    assert findings.joined == 2


def test_breakdown_by_input_in_workload_order() -> None:
    lines = (invocation("a", 50.0, 50.5) + invocation("b", 20.0, 20.7)
             + invocation("c", 50.0, 50.9))
    joined = join(parse_log(lines))
    inputs = {request_id("a"): "sleep:50ms", request_id("b"): "cpu:20ms",
              request_id("c"): "sleep:50ms"}
    table = breakdown_by_input(joined.rows, inputs, ("cpu:20ms", "sleep:20ms", "sleep:50ms"))
    assert list(table) == ["cpu:20ms", "sleep:50ms"]
    overhead = table["sleep:50ms"]["duration_overhead_ms (duration - handler)"]
    assert overhead is not None
    assert (overhead.count, overhead.p50) == (2, pytest.approx(0.7))
    text = render_breakdown(table)
    assert text.splitlines()[2].startswith("| cpu:20ms (1) | 20.000 |")
    assert "inputs are unknown" in render_breakdown({})
