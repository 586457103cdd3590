"""bench/emf_bench.py runs, and its contenders write what they claim: valid EMF carrying the same
metrics, so the comparison with Powertools is between equals."""

from __future__ import annotations

import io
import sys

import pytest

from bench import emf_bench
from lambdaflow.observability import log_sink as lf_logging
from tests.metrics.emf_schema import parse_line, problems

pytest.importorskip("aws_lambda_powertools")


def _lines(call) -> list[dict]:
    real, sys.stdout = sys.stdout, io.StringIO()
    try:
        call()
        written = sys.stdout.getvalue()
    finally:
        sys.stdout = real
    return [parse_line(line) for line in written.splitlines()]


@pytest.fixture
def contenders():
    lf_logging.configure(emf_bench.SERVICE)
    yield {**emf_bench.lambdaflow_contenders(), **emf_bench.powertools_contenders()}
    lf_logging.logger.remove()


def _metric_names(record: dict) -> set[str]:
    return {m["Name"] for d in record["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}


def test_both_sides_emit_valid_emf_with_the_same_metrics(contenders) -> None:
    _lines(contenders["powertools"])  # its first call also writes the cold-start line
    (ours,) = _lines(contenders["emf"])
    (theirs,) = _lines(contenders["powertools"])
    assert problems(ours) == [] and problems(theirs) == []
    phases = set(emf_bench.PHASE_FIELDS) | {emf_bench.TOTAL_FIELD}
    assert phases <= _metric_names(ours) and phases <= _metric_names(theirs)

    (ours,) = _lines(contenders["emf+user"])
    (theirs,) = _lines(contenders["powertools+user"])
    assert problems(ours) == [] and problems(theirs) == []
    user = {"orders", "basket_value", "queue_lag"}
    assert user <= _metric_names(ours) and user == _metric_names(theirs)
    assert ours["orders"] == theirs["orders"] == [1, 2]
    assert ours["channel"] == theirs["channel"] == "web"


def test_the_bench_reports_every_contender_and_the_ratios(capsys) -> None:
    assert emf_bench.main(["--calls", "3", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    for name in ("bare", "today", "emf", "emf+user", "powertools", "powertools+user"):
        assert f"\n{name} " in out
    assert out.count("(bar <= 0.5)") == 2
