"""The peers table: lambdaflow beside each peer, overhead gaps and issue 4's bar."""

from __future__ import annotations

import pytest

from bench.findings import RunFacts, build_findings
from bench.join import join
from bench.logparse import parse_log
from bench.peers import PeerComparison
from tests.bench.synthetic import invocation

FACTS = RunFacts(invokes=2, warmup=0, failed_invokes=0, invoke_wall_s=1.0, ready_s=0.1,
                 first_invoke_ms=None)


def _findings(duration_over_handler: float):
    lines = (invocation("a", 20.0, 20.0 + duration_over_handler)
             + invocation("b", 50.0, 50.0 + duration_over_handler))
    return build_findings("heavy", "emulator", join(parse_log(lines)), FACTS)


def test_gap_and_bar() -> None:
    comparison = PeerComparison("heavy", _findings(0.5),
                                {"awslambdaric": _findings(0.2), "stdlib": _findings(0.6)})
    assert comparison.overhead_gap_ms("awslambdaric") == pytest.approx(0.3)
    assert comparison.overhead_gap_ms("stdlib") == pytest.approx(-0.1)
    text = comparison.render()
    assert "lambdaflow - awslambdaric = 0.300 ms (bar: <= 0.2 ms): MISS" in text
    assert "| Metric (p50, ms) | lambdaflow | awslambdaric | stdlib | lambdaflow / awslambdaric" \
        in text
    assert "| duration_overhead_ms (duration - handler) | 0.500 | 0.200 | 0.600 | 2.50 | 0.83 |" \
        in text


def test_bar_passes_within_margin() -> None:
    comparison = PeerComparison("heavy", _findings(0.35), {"awslambdaric": _findings(0.2)})
    assert "(bar: <= 0.2 ms): PASS" in comparison.render()
