"""Soak: many sequential invocations of the echo example through the emulator, nothing lost.

``python -m bench soak [--invocations 100000] [--out FILE]``

A leak that costs a few bytes or one file descriptor per invocation is invisible in a short
benchmark and fatal in a long-lived Lambda environment, so this run checks three things over
a long sequence on one keep-alive connection: every caller gets exactly its own answer (each
payload is unique), every invocation leaves exactly one REPORT and one metrics record in the
emulator's stdout, and the runtime's RSS and open descriptors stay flat after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.backends import BackendError, EmulatorBackend, LocalProcess
from bench.invoker import Invoker, InvokeResult
from bench.join import join
from bench.logparse import METRICS_MESSAGE, parse_log
from bench.runner import started, wait_settled
from bench.stats import summarize
from bench.workloads import END_TO_END

DEFAULT_INVOCATIONS = 100_000
WARMUP_INVOCATIONS = 1_000  # RSS and fds are first sampled here, once caches have filled
RSS_GROWTH_BAR_MIB = 2.0
MAX_CONSECUTIVE_FAILURES = 5  # a dead emulator ends the run instead of failing 100k times
COMMAND = END_TO_END.lambdaflow_command()
SETTLE_TAIL_LINES = 100  # the last invocation's lines are among the last few printed
SETTLE_LAST_METRICS_S = 10.0


def payload(n: int) -> bytes:
    """The unique event of invocation `n`: an answer for any other `n` is caught."""
    return json.dumps({"input": f"soak-{n}"}).encode()


def _answer_index(body: bytes) -> int | None:
    """`n` when `body` is exactly {"message": "soak-<n>"}, else None."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict) or set(answer) != {"message"}:
        return None
    message = answer["message"]
    if not isinstance(message, str) or not message.startswith("soak-"):
        return None
    digits = message.removeprefix("soak-")
    return int(digits) if digits.isdigit() and str(int(digits)) == digits else None


@dataclass
class AnswerTally:
    """What the caller got back, per kind; `lost` = no answer (transport error or non-200)."""

    sent: int = 0
    correct: int = 0
    lost: int = 0
    duplicated: int = 0  # another invocation's answer, one that was already delivered
    mismatched: int = 0  # any other wrong answer (error body, garbage, an unanswered index)
    reconnects: int = 0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    _answered: set[int] = field(default_factory=set, repr=False)

    def record(self, n: int, result: InvokeResult | None) -> None:
        self.sent += 1
        if result is None or result.status != 200:
            self.lost += 1
            return
        self.latencies_ms.append(result.elapsed_ms)
        index = _answer_index(result.body)
        if index == n:
            self.correct += 1
            self._answered.add(n)
        elif index is not None and index in self._answered:
            self.duplicated += 1
        else:
            self.mismatched += 1

    def counts(self) -> dict[str, int]:
        return {"sent": self.sent, "correct": self.correct, "lost": self.lost,
                "duplicated": self.duplicated, "mismatched": self.mismatched,
                "reconnects": self.reconnects}


@dataclass(frozen=True)
class LogTally:
    """The emulator's stdout checked per request id: each must appear exactly once."""

    reports: int
    distinct_report_ids: int
    starts: int
    ends: int
    inits: int  # REPORTs with Init Duration: 1 unless the runtime was restarted
    reports_without_metrics: int
    metrics_without_report: int
    duplicate_metrics: int
    unparsable_lines: int
    non_success_outcomes: int

    def problems(self, invocations: int) -> list[str]:
        """Every way the log falls short of one START/END/REPORT/metrics per invocation."""
        per_invocation = dict.fromkeys(("reports", "distinct_report_ids", "starts", "ends"),
                                       invocations)
        expected = {name: 0 for name in asdict(self)} | per_invocation | {"inits": 1}
        return [f"{name} = {value} (expected {expected[name]})"
                for name, value in asdict(self).items() if value != expected[name]]


def tally_log(stdout: list[str]) -> LogTally:
    """Count the emulator's REPORT/START/END lines and the runtime's metrics records."""
    joined = join(parse_log(stdout, METRICS_MESSAGE))
    parsed = joined.parsed
    report_ids = Counter(report.request_id for report in parsed.reports)
    return LogTally(
        reports=len(parsed.reports),
        distinct_report_ids=len(report_ids),
        starts=len(parsed.start_ids),
        ends=len(parsed.end_ids),
        inits=sum(report.init_duration_ms is not None for report in parsed.reports),
        reports_without_metrics=len(joined.reports_without_metrics),
        metrics_without_report=len(joined.metrics_without_report),
        duplicate_metrics=len(joined.duplicate_metrics),
        unparsable_lines=len(parsed.bad_reports) + len(parsed.bad_metrics),
        non_success_outcomes=sum(row.metrics.outcome != "success" for row in joined.rows),
    )


@dataclass(frozen=True)
class ProcessSample:
    """One process's resident memory and open descriptors, read from /proc."""

    pid: int
    rss_mib: float
    fds: int


def sample_process(pid: int) -> ProcessSample:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss_kib = int(line.split()[1])
            return ProcessSample(pid, rss_kib / 1024, len(os.listdir(f"/proc/{pid}/fd")))
    raise BackendError(f"/proc/{pid}/status has no VmRSS (a zombie?)")


@dataclass(frozen=True)
class Checkpoint:
    """Both processes sampled after `invocations` settled (REPORT and metrics printed)."""

    invocations: int
    runtime: ProcessSample
    emulator: ProcessSample


@dataclass
class SoakResult:
    """Everything the verdicts need, in one JSON-able record (`--out`)."""

    invocations: int
    wall_s: float = 0.0
    answers: AnswerTally = field(default_factory=AnswerTally)
    log: LogTally | None = None
    checkpoints: list[Checkpoint] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.answers.sent / self.wall_s if self.wall_s else 0.0

    def rss_growth_mib(self) -> float:
        return self.checkpoints[-1].runtime.rss_mib - self.checkpoints[0].runtime.rss_mib

    def to_json(self) -> dict[str, object]:
        latency = summarize(self.answers.latencies_ms)
        return {"invocations": self.invocations, "wall_s": self.wall_s,
                "per_second": self.per_second, "answers": self.answers.counts(),
                "latency_ms": asdict(latency) if latency else None,
                "log": asdict(self.log) if self.log else None,
                "checkpoints": [asdict(checkpoint) for checkpoint in self.checkpoints]}


def _last_report_has_metrics(lines: list[str]) -> bool:
    """True once the newest REPORT's request id also has its metrics line (near the end)."""
    tail = parse_log(lines[-SETTLE_TAIL_LINES:], METRICS_MESSAGE)
    if not tail.reports:
        return False
    last_id = tail.reports[-1].request_id
    return any(metrics.request_id == last_id for metrics in tail.metrics)


def _settle(running: LocalProcess, invocations: int) -> None:
    """Wait (bounded) for the trailing lines: REPORTs counted, then the last one's metrics.

    Counting alone is not enough: a doubled metrics line elsewhere would satisfy the count
    before the last invocation's own line arrived.
    """
    wait_settled(running, invocations, METRICS_MESSAGE)
    running.wait_for_stdout(_last_report_has_metrics, SETTLE_LAST_METRICS_S)


def _checkpoint(running: LocalProcess, command: Sequence[str], invocations: int) -> Checkpoint:
    _settle(running, invocations)
    runtime_pid = running.runtime_pid(command)
    if runtime_pid is None:
        raise BackendError("the emulator's runtime process was not found under it in /proc")
    return Checkpoint(invocations, sample_process(runtime_pid), sample_process(running.process.pid))


def _invoke_all(running: LocalProcess, result: SoakResult,
                on_sent: Callable[[int], None]) -> None:
    """Sequential invokes on one connection; a failed round trip is counted, then reconnected."""
    invoker = Invoker(running.host, running.port)
    consecutive_failures = 0
    try:
        for n in range(1, result.invocations + 1):
            try:
                answer: InvokeResult | None = invoker.invoke(payload(n))
            except (OSError, ValueError) as error:  # http.client errors are OSError/ValueError
                print(f"soak: invocation {n} failed: {error!r}", file=sys.stderr)
                answer = None
                invoker.close()
                invoker = Invoker(running.host, running.port)
                result.answers.reconnects += 1
            result.answers.record(n, answer)
            failed = answer is None or answer.status != 200
            consecutive_failures = consecutive_failures + 1 if failed else 0
            if consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
                result.answers.lost += result.invocations - n  # never sent: lost all the same
                return
            on_sent(n)
    finally:
        invoker.close()


def run_soak(invocations: int, warmup: int = WARMUP_INVOCATIONS,
             command: Sequence[str] = COMMAND, echo: bool = False) -> SoakResult:
    """Start the emulator with `command` (the echo example), soak it, sample it, stop it.

    The last sample is taken before the caller's connection closes, so that both samples count
    the same sockets.
    """
    result = SoakResult(invocations)
    sample_at = min(warmup, invocations)
    with started(EmulatorBackend(), command, echo=echo) as running:
        assert isinstance(running, LocalProcess)
        began = time.perf_counter()

        def sample(n: int) -> None:
            if n == invocations:
                result.wall_s = time.perf_counter() - began
            if n == sample_at:
                result.checkpoints.append(_checkpoint(running, command, n))
            if n == invocations:
                result.checkpoints.append(_checkpoint(running, command, n))

        _invoke_all(running, result, sample)
        if result.answers.sent < invocations:  # the run was cut short
            result.wall_s = time.perf_counter() - began
            result.checkpoints.append(_checkpoint(running, command, result.answers.sent))
        result.log = tally_log(running.stdout_lines())
    return result


@dataclass(frozen=True)
class SoakVerdict:
    """One bar: whether it held, and the figures that decided it."""

    bar: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.bar}: {self.detail}"


def verdicts(result: SoakResult, rss_bar_mib: float = RSS_GROWTH_BAR_MIB) -> list[SoakVerdict]:
    """The soak's bars: answers, request ids, runtime RSS growth, descriptor counts."""
    answers = result.answers
    log_problems = result.log.problems(answers.sent) if result.log else ["no log tallied"]
    first, last = result.checkpoints[0], result.checkpoints[-1]
    growth = result.rss_growth_mib()
    fds = {"runtime": (first.runtime.fds, last.runtime.fds),
           "emulator": (first.emulator.fds, last.emulator.fds)}
    same_runtime = first.runtime.pid == last.runtime.pid
    return [
        SoakVerdict("answers", answers.correct == result.invocations,
                f"{answers.correct}/{result.invocations} correct, {answers.lost} lost, "
                f"{answers.duplicated} duplicated, {answers.mismatched} mismatched"),
        SoakVerdict("request ids", not log_problems,
                "each exactly once in REPORT, START, END and metrics" if not log_problems
                else "; ".join(log_problems)),
        SoakVerdict(f"runtime RSS growth <= {rss_bar_mib:g} MiB",
                same_runtime and growth <= rss_bar_mib,
                f"{growth:+.2f} MiB from {first.invocations} to {last.invocations} invocations"
                + ("" if same_runtime else " (runtime was restarted: pids differ)")),
        SoakVerdict("open fds constant", same_runtime and all(a == b for a, b in fds.values()),
                ", ".join(f"{name} {a} -> {b}" for name, (a, b) in fds.items())),
    ]


def render(result: SoakResult, outcome: list[SoakVerdict]) -> str:
    """The human-readable report: counts, throughput, the memory table, one line per bar."""
    answers, log = result.answers, result.log
    latency = summarize(answers.latencies_ms)
    first, last = result.checkpoints[0], result.checkpoints[-1]
    lines = [
        f"soak: {result.invocations} invocations of {END_TO_END.app} through lambdaflow's "
        "emulator, sequential, one keep-alive connection",
        f"answers: {answers.correct} correct, {answers.lost} lost, {answers.duplicated} "
        f"duplicated, {answers.mismatched} mismatched ({answers.reconnects} reconnects)",
        "log: " + (", ".join(f"{name} {value}" for name, value in asdict(log).items())
                   if log else "not tallied"),
        f"throughput: {result.per_second:.0f} invocations/s over {result.wall_s:.1f} s"
        + (f"; round trip p50 {latency.p50:.2f} ms, p99 {latency.p99:.2f} ms, "
           f"max {latency.max:.1f} ms" if latency else ""),
        "",
        f"| process | pid | RSS @{first.invocations} | RSS @{last.invocations} | growth "
        f"| fds @{first.invocations} | fds @{last.invocations} |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("runtime", "emulator"):
        a, b = getattr(first, name), getattr(last, name)
        pid = str(b.pid) if a.pid == b.pid else f"{a.pid} -> {b.pid}"
        lines.append(f"| {name} | {pid} | {a.rss_mib:.2f} MiB | {b.rss_mib:.2f} MiB | "
                     f"{b.rss_mib - a.rss_mib:+.2f} MiB | {a.fds} | {b.fds} |")
    return "\n".join([*lines, "", *(verdict.line() for verdict in outcome)]) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invocations", type=int, default=DEFAULT_INVOCATIONS,
                        help=f"how many (default {DEFAULT_INVOCATIONS}; RSS and fds are first "
                             f"sampled at {WARMUP_INVOCATIONS})")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if args.invocations < 1:
        parser.error("--invocations must be at least 1")
    try:
        result = run_soak(args.invocations)
    except BackendError as error:
        print(f"soak: {error}", file=sys.stderr)
        return 2
    outcome = verdicts(result)
    sys.stdout.write(render(result, outcome))
    if args.out is not None:
        record = result.to_json() | {"verdicts": [asdict(verdict) for verdict in outcome]}
        args.out.write_text(json.dumps(record, indent=2) + "\n")
    return 0 if all(verdict.passed for verdict in outcome) else 1
