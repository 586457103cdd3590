"""Run one workload against one backend: start, wait until ready, invoke, collect, stop.

Invokes are sequential over one keep-alive connection; after the last one the runner waits for
the trailing REPORT and metrics lines before stopping, so late lines are not mistaken for lost.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from bench.backends import Backend, RunningBackend
from bench.invoker import Invoker, InvokeResult
from bench.join import JoinResult, join
from bench.logparse import METRICS_MESSAGE, parse_log
from bench.workloads import Workload

SETTLE_REPORTS_S = 15.0
SETTLE_METRICS_S = 3.0


@dataclass
class RunResult:
    """Everything one run produced: what the caller saw and what the backend printed."""

    backend: str
    results: list[InvokeResult]
    invoke_wall_s: float
    ready_s: float
    stdout: list[str]
    joined: JoinResult

    @property
    def failed(self) -> int:
        return sum(result.status != 200 for result in self.results)

    def inputs(self, workload: Workload) -> dict[str, str]:
        """request id -> the event's input; known by position only if every invoke left a REPORT.

        Invokes are sequential, so the n-th REPORT belongs to the n-th event sent.
        """
        reports = self.joined.reports
        if len(reports) != len(self.results):
            return {}
        return {report.request_id: workload.label(i) for i, report in enumerate(reports)}


@contextmanager
def started(backend: Backend, command: Sequence[str], echo: bool = False,
            extra_env: Mapping[str, str] | None = None) -> Iterator[RunningBackend]:
    """The running backend, stopped on the way out whatever happens (Ctrl-C included)."""
    running = backend.start(command, echo=echo, extra_env=extra_env)
    try:
        yield running
    finally:
        running.stop()


def invoke_many(running: RunningBackend, workload: Workload, count: int, first: int = 0
                ) -> tuple[list[InvokeResult], float]:
    """`count` sequential invokes cycling the workload's events; returns results and wall time."""
    invoker = Invoker(running.host, running.port)
    started_at = time.perf_counter()
    try:
        results = [invoker.invoke(workload.event(first + i)) for i in range(count)]
    finally:
        invoker.close()
    return results, time.perf_counter() - started_at


def _count(marker: str, lines: list[str]) -> int:
    return sum(marker in line for line in lines)


def wait_settled(running: RunningBackend, invokes: int, metrics_message: str) -> None:
    """Wait (bounded) until the backend printed a REPORT and a metrics line per invoke."""
    running.wait_for_stdout(lambda lines: _count("REPORT RequestId:", lines) >= invokes,
                            SETTLE_REPORTS_S)
    running.wait_for_stdout(lambda lines: _count(metrics_message, lines) >= invokes,
                            SETTLE_METRICS_S)


def run_workload(
    backend: Backend,
    command: Sequence[str],
    workload: Workload,
    invokes: int,
    metrics_message: str = METRICS_MESSAGE,
    echo: bool = False,
    extra_env: Mapping[str, str] | None = None,
) -> RunResult:
    """One complete run; the backend is stopped before this returns or raises."""
    with started(backend, command, echo=echo, extra_env=extra_env) as running:
        results, wall = invoke_many(running, workload, invokes)
        wait_settled(running, invokes, metrics_message)
        stdout = running.stdout_lines()
        ready_s = running.ready_s
    joined = join(parse_log(stdout, metrics_message))
    return RunResult(backend.name, results, wall, ready_s, stdout, joined)
