"""Joining REPORT lines with metrics records; unjoinable rows are counted, never dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.join import join
from bench.logparse import parse_log
from lambdaflow.emulator.output.report import response_line
from tests.bench.synthetic import invocation, metrics_line, report_line, request_id


def test_every_invocation_joins() -> None:
    lines = invocation("r1", 20.0, 21.5, init_ms=140.0) + invocation("r2", 50.0, 50.9)
    result = join(parse_log(lines))
    assert [row.request_id for row in result.rows] == [request_id("r1"), request_id("r2")]
    assert result.unjoined == 0
    first = result.rows[0].as_dict()
    assert first["handler_ms"] == 20.0
    assert first["billed_ms"] == 22
    assert first["init_duration_ms"] == 140.0
    assert first["outcome"] == "success"
    assert first["response_ms"] is None


def test_response_lines_join_on_request_id() -> None:
    lines = invocation("r1", 20.0, 21.5, response_ms=20.3) + invocation("r2", 50.0, 50.9)
    result = join(parse_log(lines))
    assert [row.response_ms for row in result.rows] == [20.3, None]
    assert result.rows[0].as_dict()["response_ms"] == 20.3
    assert result.unjoined == 0


def test_lost_metrics_line_and_orphan_metrics_are_counted() -> None:
    lines = (
        invocation("r1", 20.0, 21.5)
        + invocation("r2", 20.0, 21.0, with_metrics=False)
        + [metrics_line(request_id("r3"), 5.0)]
    )
    result = join(parse_log(lines))
    assert [row.request_id for row in result.rows] == [request_id("r1")]
    assert [r.request_id for r in result.reports_without_metrics] == [request_id("r2")]
    assert [m.request_id for m in result.metrics_without_report] == [request_id("r3")]
    assert result.unjoined == 2
    assert [r.request_id for r in result.reports] == [request_id("r1"), request_id("r2")]


def test_unparsable_report_and_duplicate_metrics_are_counted() -> None:
    garbled = report_line(request_id("r2"), 3.0).replace("\t", " ")
    garbled_response = response_line(request_id("r1"), 1.2).replace("\t", " ")
    lines = [*invocation("r1", 1.0, 1.4), metrics_line(request_id("r1"), 1.0),
             metrics_line(request_id("r2"), 2.0), garbled, garbled_response]
    result = join(parse_log(lines))
    counts = result.unjoined_counts()
    assert counts == {
        "reports_without_metrics": 0,
        "metrics_without_report": 1,
        "duplicate_metrics": 1,
        "unparsable_reports": 1,
        "unparsable_metrics": 0,
        "unparsable_responses": 1,
    }
    assert result.unjoined == 4
    assert result.rows[0].response_ms is None


def test_real_rie_log_with_metrics_lines_added(rie_samples: Path) -> None:
    """The real RIE's lines joined with metrics lines as a runtime would have printed them."""
    lines = (rie_samples / "ok.log").read_text().splitlines()
    report_ids = [r.request_id for r in parse_log(lines).reports]
    with_metrics = []
    for line in lines:
        if line.startswith("END RequestId:") and report_ids[0] not in line:
            with_metrics.append(metrics_line(line.split()[-1], 1.0))
        with_metrics.append(line)
    result = join(parse_log(with_metrics))
    assert [row.request_id for row in result.rows] == report_ids[1:]
    assert [r.request_id for r in result.reports_without_metrics] == report_ids[:1]
    assert result.rows[0].report.duration_ms == 1.73


@pytest.mark.parametrize("name", ["ok.log", "err.log", "crash.log", "misc.log"])
def test_real_rie_log_alone_joins_nothing_but_loses_nothing(rie_samples: Path, name: str) -> None:
    parsed = parse_log((rie_samples / name).read_text().splitlines())
    result = join(parsed)
    assert result.rows == []
    assert len(result.reports_without_metrics) == len(parsed.reports) > 0
    assert result.starts == len(parsed.start_ids)
