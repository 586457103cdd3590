"""Run a workload against a backend: start, wait until ready, invoke, collect, stop.

Invokes are sequential over one keep-alive connection; after the last one the runner waits for
the trailing REPORT and metrics lines before stopping, so late lines are not mistaken for lost.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, closing, contextmanager
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

    def wrong_answers(self, workload: Workload) -> int:
        """Invokes answered 200 with something other than the workload's answer."""
        return sum(result.status == 200 and not workload.answered(index, result.body)
                   for index, result in enumerate(self.results))

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


@dataclass(frozen=True)
class Contender:
    """One runtime command in a run, and the message its metrics lines carry."""

    command: Sequence[str]
    metrics_message: str = METRICS_MESSAGE


def run_alternating(
    backend: Backend,
    contenders: Sequence[Contender],
    workload: Workload,
    invokes: int,
    echo: bool = False,
    extra_env: Mapping[str, str] | None = None,
) -> list[RunResult]:
    """Serve the workload from each contender at once, alternating invokes between them.

    Each gets its own backend; invoke i goes to every contender in turn, so drift on a noisy
    machine (other jobs, frequency changes) hits all of them alike and their ratios stay fair.
    """
    with ExitStack() as stack:
        running = [stack.enter_context(started(backend, c.command, echo, extra_env))
                   for c in contenders]
        invokers = [stack.enter_context(closing(Invoker(r.host, r.port))) for r in running]
        results: list[list[InvokeResult]] = [[] for _ in contenders]
        for index in range(invokes):
            for invoker, sink in zip(invokers, results, strict=True):
                sink.append(invoker.invoke(workload.event(index)))
        outputs = []
        for contender, backend_running in zip(contenders, running, strict=True):
            wait_settled(backend_running, invokes, contender.metrics_message)
            outputs.append((backend_running.stdout_lines(), backend_running.ready_s))
    return [
        RunResult(backend.name, sink, sum(r.elapsed_ms for r in sink) / 1000, ready_s, stdout,
                  join(parse_log(stdout, contender.metrics_message)))
        for contender, sink, (stdout, ready_s) in zip(contenders, results, outputs, strict=True)
    ]


def run_workload(
    backend: Backend,
    command: Sequence[str],
    workload: Workload,
    invokes: int,
    metrics_message: str = METRICS_MESSAGE,
    echo: bool = False,
    extra_env: Mapping[str, str] | None = None,
) -> RunResult:
    """One complete run of one runtime; the backend is stopped before this returns or raises."""
    contender = Contender(command, metrics_message)
    return run_alternating(backend, [contender], workload, invokes, echo, extra_env)[0]
