"""The soak benchmark, short: the echo example through the real emulator, plus injected faults.

The CI version of `python -m bench soak`: 2,000 invocations instead of 100,000, with a looser
RSS bar (4 MiB) because one short run on a noisy machine has less room to amortise warm-up.
The fault runs serve a deliberately broken stdlib runtime, so each check is shown to fail
when its fault is present.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.backends import EmulatorBackend
from bench.invoker import InvokeResult
from bench.runner import run_workload
from bench.soak import COMMAND, AnswerTally, payload, run_soak, tally_log, verdicts
from bench.workloads import END_TO_END
from lambdaflow.observability.metrics_record import METRICS_MESSAGE

REPO = Path(__file__).resolve().parents[2]
FAULTY = [sys.executable, str(REPO / "bench" / "toys" / "faulty_runtime.py")]
CI_INVOCATIONS = 2_000
CI_RSS_BAR_MIB = 4.0
FAULT_INVOCATIONS = 300
FAULT_WARMUP = 50


def test_echo_soak_loses_nothing_and_stays_flat() -> None:
    result = run_soak(CI_INVOCATIONS)
    answers = result.answers
    assert answers.counts() == {"sent": CI_INVOCATIONS, "correct": CI_INVOCATIONS, "lost": 0,
                                "duplicated": 0, "mismatched": 0, "reconnects": 0}
    assert result.log is not None
    assert result.log.problems(CI_INVOCATIONS) == []
    first, last = result.checkpoints
    assert (first.invocations, last.invocations) == (1_000, CI_INVOCATIONS)
    assert first.runtime.pid == last.runtime.pid
    assert first.runtime.fds == last.runtime.fds
    assert first.emulator.fds == last.emulator.fds
    assert result.rss_growth_mib() <= CI_RSS_BAR_MIB
    failed = [v.line() for v in verdicts(result, CI_RSS_BAR_MIB) if not v.passed]
    assert failed == []


def test_repeated_answers_are_counted_as_duplicates() -> None:
    every = 7
    result = run_soak(FAULT_INVOCATIONS, FAULT_WARMUP, [*FAULTY, "--repeat-every", str(every)])
    repeated = FAULT_INVOCATIONS // every
    assert result.answers.duplicated == repeated
    assert result.answers.correct == FAULT_INVOCATIONS - repeated
    assert result.answers.lost == result.answers.mismatched == 0
    assert not verdicts(result)[0].passed


def test_doubled_metrics_lines_fail_the_request_id_check() -> None:
    every = 10
    result = run_soak(FAULT_INVOCATIONS, FAULT_WARMUP,
                      [*FAULTY, "--double-metrics-every", str(every)])
    assert result.answers.correct == FAULT_INVOCATIONS
    assert result.log is not None
    assert result.log.duplicate_metrics == FAULT_INVOCATIONS // every
    assert result.log.problems(FAULT_INVOCATIONS) == [
        f"duplicate_metrics = {FAULT_INVOCATIONS // every} (expected 0)"]


def test_leaked_descriptors_fail_the_fd_bar() -> None:
    result = run_soak(FAULT_INVOCATIONS, FAULT_WARMUP, [*FAULTY, "--leak-fds"])
    first, last = result.checkpoints
    assert last.runtime.fds - first.runtime.fds == FAULT_INVOCATIONS - FAULT_WARMUP
    assert [v.bar for v in verdicts(result) if not v.passed] == ["open fds constant"]


def test_leaked_memory_fails_the_rss_bar() -> None:
    kib = 64
    result = run_soak(FAULT_INVOCATIONS, FAULT_WARMUP, [*FAULTY, "--leak-kib", str(kib)])
    leaked_mib = (FAULT_INVOCATIONS - FAULT_WARMUP) * kib / 1024
    assert result.rss_growth_mib() >= leaked_mib * 0.9
    assert [v.bar for v in verdicts(result, CI_RSS_BAR_MIB) if not v.passed] == [
        f"runtime RSS growth <= {CI_RSS_BAR_MIB:g} MiB"]


@pytest.mark.parametrize(("body", "kind"), [
    (b'{"message":"soak-5"}', "correct"),
    (b'{"message": "soak-5"}', "correct"),
    (b'{"message":"soak-4"}', "duplicated"),  # invocation 4's answer, delivered again
    (b'{"message":"soak-6"}', "mismatched"),  # an answer no one has had yet
    (b'{"message":"soak-05"}', "mismatched"),
    (b'{"message":"soak-5","extra":1}', "mismatched"),
    (b'{"errorMessage":"input required","errorType":"ValueError"}', "mismatched"),
    (b"not json", "mismatched"),
])
def test_answers_are_classified(body: bytes, kind: str) -> None:
    tally = AnswerTally()
    for n in range(1, 5):
        tally.record(n, InvokeResult(200, json.dumps({"message": f"soak-{n}"}).encode(), 1.0))
    tally.record(5, InvokeResult(200, body, 1.0))
    expected = {"sent": 5, "correct": 4, "lost": 0, "duplicated": 0, "mismatched": 0,
                "reconnects": 0}
    expected[kind] += 1
    assert tally.counts() == expected


def test_no_answer_is_lost() -> None:
    tally = AnswerTally()
    tally.record(1, InvokeResult(502, b'{"errorType":"Runtime.ExitError"}', 1.0))
    tally.record(2, None)
    assert (tally.lost, tally.correct) == (2, 0)


def test_payload_is_unique_per_invocation() -> None:
    assert payload(12) == b'{"input": "soak-12"}'
    assert len({payload(n) for n in range(1, 1001)}) == 1000


def test_log_checks_catch_a_repeated_report_and_a_lost_metrics_line() -> None:
    run = run_workload(EmulatorBackend(), COMMAND, END_TO_END, 3)
    assert tally_log(run.stdout).problems(3) == []
    last_report = [line for line in run.stdout if "REPORT RequestId:" in line][-1]
    assert tally_log([*run.stdout, last_report]).problems(3) == [
        "reports = 4 (expected 3)", "reports_without_metrics = 1 (expected 0)"]
    without_metrics = [line for line in run.stdout if METRICS_MESSAGE not in line]
    assert tally_log(without_metrics).problems(3) == [
        "reports_without_metrics = 3 (expected 0)"]


def test_cli_writes_figures_and_refuses_nonsense(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    bench = [sys.executable, "-m", "bench", "soak"]
    done = subprocess.run([*bench, "--invocations", "200", "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS open fds constant" in done.stdout
    record = json.loads(out.read_text())
    assert record["answers"]["correct"] == 200
    assert all(verdict["passed"] for verdict in record["verdicts"])
    refused = subprocess.run([*bench, "--invocations", "0"], cwd=REPO, capture_output=True,
                             text=True, timeout=60, check=False)
    assert refused.returncode == 2
    assert "--invocations must be at least 1" in refused.stderr
