"""SnapStart mode (--snapstart): init at start, restore/next held as the snapshot, Restore
Duration in REPORT; in-process on the fake clock, then with a stdlib toy and awslambdaric."""

from __future__ import annotations

import json
import sys

import pytest

from lambdaflow.emulator.config import EmulatorConfig, runtime_environment
from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.output.report import REPORT_LINE, InvocationReport
from lambdaflow.emulator.sandbox.states import Event, Phase, transition

from .conftest import REPO
from .fakes import Harness

TOY = [sys.executable, str(REPO / "bench" / "toys" / "snapstart_runtime.py")]


@pytest.mark.parametrize(
    ("phase", "event", "after"),
    [
        (Phase.INITIALIZING, Event.RESTORE_NEXT, Phase.SNAPSHOTTED),
        (Phase.SNAPSHOTTED, Event.RESTORE, Phase.RESTORING),
        (Phase.RESTORING, Event.NEXT, Phase.IDLE),
        (Phase.RESTORING, Event.RESTORE_ERROR, Phase.RESTORE_FAILED),
        (Phase.RESTORE_FAILED, Event.EXIT, Phase.STOPPED),
        (Phase.SNAPSHOTTED, Event.EXIT, Phase.STOPPED),
        (Phase.SNAPSHOTTED, Event.NEXT, None),  # no /next before the restore
        (Phase.IDLE, Event.RESTORE_NEXT, None),
        (Phase.IDLE, Event.RESTORE_ERROR, None),
        (Phase.RESTORE_FAILED, Event.NEXT, None),
    ],
)
def test_snapstart_rows_of_the_table(phase: Phase, event: Event, after: Phase | None) -> None:
    assert transition(phase, event) is after


def snapshotted(harness: Harness) -> Deferred:
    harness.sandbox.start_eagerly()
    harness.clock.advance(0.25)
    held = harness.sandbox.restore_next()
    assert isinstance(held, Deferred) and not held.done
    return held


def test_the_snapshot_is_restored_by_the_first_invoke_and_billed_as_restore() -> None:
    harness = Harness(snapstart=True)
    held = snapshotted(harness)
    assert harness.lines() == ["INIT_REPORT Init Duration: 250.00 ms\tPhase: init\tStatus: success"]
    harness.clock.advance(5.0)  # the snapshot waits, unbilled
    invocation = harness.invoke()
    assert held.done and held.response.status == 200
    harness.clock.advance(0.125)  # the runtime's restore hooks
    parked = harness.next()
    harness.clock.advance(0.010)
    request_id = dict(parked.response.headers)["Lambda-Runtime-Aws-Request-Id"]
    harness.sandbox.post_response(request_id, b"ok", {}, False)
    harness.next()
    harness.clock.run_soon()
    assert invocation.answer.response.body == b"ok"
    report = REPORT_LINE.match(harness.reports()[0])
    assert report is not None
    assert report.group("init_ms") is None  # the init was the publish's
    assert (report.group("restore_ms"), report.group("billed_restore_ms")) == ("125.00", "125")
    assert report.group("duration_ms") == "10.00"


def test_a_restore_error_answers_as_an_init_error_and_the_next_invoke_restores_again() -> None:
    harness = Harness(snapstart=True)
    snapshotted(harness)
    first = harness.invoke()
    assert harness.sandbox.post_restore_error(b'{"errorType":"Broke"}').status == 202
    assert harness.sandbox.next_invocation().status == 403  # a failed restore serves nothing
    harness.processes[0].exit(65)
    assert (first.answer.response.status, first.answer.response.body) == (
        502,
        b'{"errorType":"Broke"}',
    )
    second = harness.invoke()
    assert len(harness.processes) == 2  # init again, then restore again
    held = harness.sandbox.restore_next()
    assert held.done  # an invoke is waiting: restored at once
    assert second.delivered_at is None
    harness.next()
    assert second.delivered_at is not None


def test_without_snapstart_restore_next_is_refused() -> None:
    harness = Harness()
    harness.sandbox.start_eagerly()
    refusal = harness.sandbox.restore_next()
    assert refusal.status == 403 and b"InvalidStateTransition" in refusal.body
    assert harness.sandbox.phase is Phase.INITIALIZING


def test_the_runtime_is_told_it_is_a_snapstart_init() -> None:
    env = runtime_environment(EmulatorConfig(command=("x",), snapstart=True), "api", {})
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "snap-start"


def test_the_report_line_with_restore_fields_parses() -> None:
    line = InvocationReport("0" * 8 + "-0000-0000-0000-" + "0" * 12, 1.5, 128, 60, None, 378.75)
    assert line.line().endswith("Restore Duration: 378.75 ms\tBilled Restore Duration: 379 ms\t")
    assert REPORT_LINE.match(line.line())


# -- real processes -------------------------------------------------------------------------


def test_a_stdlib_snapstart_runtime(start_emulator, tmp_path) -> None:
    fail_once = tmp_path / "fail-once"
    fail_once.touch()
    env = {"SNAP_INIT_S": "0.2", "SNAP_RESTORE_S": "0.1", "SNAP_FAIL_FILE": str(fail_once)}
    emulator = start_emulator("--snapstart", runtime=TOY, env=env)
    emulator.wait_for_output(r"^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\t")
    assert "restored" not in emulator.output()  # held as the snapshot until an invoke
    status, _, body = emulator.invoke(b'{"n": 1}')
    assert (status, json.loads(body)["errorType"]) == (502, "RestoreBroke")
    status, _, body = emulator.invoke(b'{"n": 2}')
    assert (status, json.loads(body)) == (200, {"event": {"n": 2}, "init_type": "snap-start"})
    status, _, _ = emulator.invoke(b'{"n": 3}')
    assert status == 200
    reports = emulator.reports(3)
    assert float(reports[1].group("restore_ms")) >= 100  # the toy's restore work
    assert reports[2].group("restore_ms") is None  # restored once per runtime
    assert all(report.group("init_ms") is None for report in reports)


def test_awslambdaric_snapstart_path(start_emulator, tmp_path) -> None:
    pytest.importorskip("snapshot_restore_py")
    (tmp_path / "fn.py").write_text(
        "from snapshot_restore_py import register_after_restore, register_before_snapshot\n"
        "state = {}\n"
        "register_before_snapshot(lambda: print('before snapshot', flush=True))\n"
        "register_after_restore(lambda: state.update(restored=True))\n"
        "def handler(event, context):\n"
        "    return {'restored': state.get('restored', False)}\n"
    )
    emulator = start_emulator(
        "--snapstart",
        runtime=[sys.executable, "-m", "awslambdaric", "fn.handler"],
        env={"PYTHONPATH": str(tmp_path), "LAMBDA_TASK_ROOT": str(tmp_path)},
    )
    emulator.wait_for_output(r"^INIT_REPORT Init Duration: ")
    assert "before snapshot" in emulator.output()
    status, _, body = emulator.invoke(b"{}")
    assert (status, json.loads(body)) == (200, {"restored": True})
    assert emulator.reports(1)[0].group("restore_ms") is not None
