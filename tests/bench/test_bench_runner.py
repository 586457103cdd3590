"""The runner against the real emulator (real HTTP, real subprocesses), stdlib runtime behind it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bench.backends import EmulatorBackend
from bench.runner import Contender, invoke_many, run_alternating, run_workload, started
from bench.workloads import END_TO_END, HEAVY

# The bare stdlib runtime, printing its lines as lambdaflow's `invocation.metrics`.
STUB = [*END_TO_END.stdlib_command(), "--message", "invocation.metrics"]


def _gone(pid: int, timeout: float = 15.0) -> bool:
    """True once `pid` no longer exists (or is a zombie awaiting its reaper)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def test_every_invoke_is_joined() -> None:
    run = run_workload(EmulatorBackend(), STUB, END_TO_END, 12)
    assert run.failed == 0
    assert [result.body for result in run.results[:2]] == [b'{"message": "hi"}',
                                                           b'{"message": "hello, lambda"}']
    assert len(run.joined.rows) == 12
    assert run.joined.unjoined == 0
    assert run.joined.reports[0].init_duration_ms is not None
    assert run.wrong_answers(END_TO_END) == 0


def test_lost_metrics_lines_are_counted() -> None:
    run = run_workload(EmulatorBackend(), [*STUB, "--drop-metrics-every", "3"], END_TO_END, 9)
    assert run.failed == 0
    assert len(run.joined.rows) == 6
    assert len(run.joined.reports_without_metrics) == 3
    assert run.joined.unjoined_counts()["reports_without_metrics"] == 3


def test_backend_and_runtime_are_stopped_even_on_error() -> None:
    pids = []
    with pytest.raises(RuntimeError, match="boom"), started(EmulatorBackend(), STUB) as running:
        invoke_many(running, END_TO_END, 2)
        runtime = running.runtime_pid(STUB)
        assert runtime is not None
        pids += [runtime, running.process.pid]  # type: ignore[attr-defined]
        assert all(os.path.exists(f"/proc/{pid}") for pid in pids)
        raise RuntimeError("boom")
    assert all(_gone(pid) for pid in pids)


def test_alternating_runs_keep_each_runtime_apart() -> None:
    runs = run_alternating(EmulatorBackend(), [Contender(STUB), Contender(STUB)], END_TO_END, 6)
    assert [len(run.results) for run in runs] == [6, 6]
    assert [len(run.joined.rows) for run in runs] == [6, 6]
    ids = [{row.request_id for row in run.joined.rows} for run in runs]
    assert not ids[0] & ids[1]  # each backend saw only its own invocations
    assert all(run.failed == 0 for run in runs)


def test_answers_from_another_function_are_counted() -> None:
    """The echo app answers heavy's events with 200 too; the workload check catches it."""
    run = run_workload(EmulatorBackend(), END_TO_END.lambdaflow_command(), HEAVY, 4)
    assert run.failed == 0
    assert run.wrong_answers(HEAVY) == 4
    right = run_workload(EmulatorBackend(), HEAVY.lambdaflow_command(), HEAVY, 4)
    assert right.wrong_answers(HEAVY) == 0
