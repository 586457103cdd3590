"""The two RIE benchmarks under pytest-benchmark (the Go original's BenchmarkRIE* functions).

    export BENCH_INVOKES=1000     # invokes per benchmark (5 by default, as in the test suite)
    .venv/bin/python -m pytest tests/bench/test_bench_rie_benchmark.py -s            # both
    .venv/bin/python -m pytest tests/bench/test_bench_rie_benchmark.py -s -k heavy   # one
    LAMBDAFLOW_RIE=PATH .venv/bin/python -m pytest tests/bench/test_bench_rie_benchmark.py -s

pytest-benchmark times each invoke from the client; the findings table (per-phase figures from
the REPORT/metrics join) is printed and stored in the benchmark's extra_info. In the test suite
they run with a handful of invokes (BENCH_INVOKES defaults to 5), which proves the entry works.
"""

from __future__ import annotations

import itertools
import os
import time

import pytest

pytest.importorskip(
    "pytest_benchmark", reason="pytest-benchmark is not installed: run scripts/setup"
)

from bench.backends import EmulatorBackend, RieBackend
from bench.findings import RunFacts, build_findings
from bench.invoker import Invoker
from bench.join import join
from bench.logparse import METRICS_MESSAGE, parse_log
from bench.runner import started, wait_settled
from bench.tables import render_findings
from bench.workloads import END_TO_END, HEAVY, Workload

INVOKES = int(os.environ.get("BENCH_INVOKES", "5"))


def _rie_benchmark(benchmark, workload: Workload) -> None:
    rie = os.environ.get("LAMBDAFLOW_RIE")
    backend = RieBackend(rie) if rie else EmulatorBackend()
    with started(backend, workload.lambdaflow_command()) as running:
        invoker = Invoker(running.host, running.port)
        counter = itertools.count()

        def invoke_once() -> None:
            index = next(counter)
            result = invoker.invoke(workload.event(index))
            assert result.status == 200 and workload.answered(index, result.body)

        began = time.perf_counter()
        benchmark.pedantic(invoke_once, rounds=INVOKES, iterations=1, warmup_rounds=1)
        wall = time.perf_counter() - began
        invoker.close()
        wait_settled(running, INVOKES + 1, METRICS_MESSAGE)
        stdout, ready_s = running.stdout_lines(), running.ready_s
    facts = RunFacts(invokes=INVOKES + 1, warmup=1, failed_invokes=0, invoke_wall_s=wall,
                     ready_s=ready_s, first_invoke_ms=None)
    findings = build_findings(workload.name, backend.name, join(parse_log(stdout)), facts)
    print("\n" + render_findings(findings, with_bars=workload is HEAVY))
    benchmark.extra_info.update(
        {label: summary.p50 for label, summary in findings.metrics.items() if summary}
    )
    assert findings.joined == INVOKES + 1
    assert not any(findings.unjoined.values())


@pytest.mark.benchmark(group="rie")
def test_rie_end_to_end(benchmark) -> None:
    """BenchmarkRIEEndToEnd: the echo example, small payloads, sequential invokes."""
    _rie_benchmark(benchmark, END_TO_END)


@pytest.mark.benchmark(group="rie")
def test_rie_heavy(benchmark) -> None:
    """BenchmarkRIEHeavy: examples/heavy cycling sleep/cpu 20/50 ms."""
    _rie_benchmark(benchmark, HEAVY)
