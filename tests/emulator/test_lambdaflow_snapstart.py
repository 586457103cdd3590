"""lambdaflow's own runtime behind the emulator's --snapstart (issue 12 end to end).

The function records, in its answers, which hooks ran in its process and in what order; a
shell wrapper around the runtime appends its exit status to a file, and a flag file makes a hook
fail until the test removes it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

FUNCTION = '''
import os
import random

from lambdaflow import App, Context

app = App()
ran = []
state = {}


def _flagged(name):
    return os.path.exists(os.environ[name])


@app.before_snapshot
def before():
    if _flagged("FAIL_BEFORE_FILE"):
        raise RuntimeError("before_snapshot told to fail")
    ran.append("before_snapshot")
    saved = random.getstate()
    state["next_draw_if_not_reseeded"] = random.random()
    random.setstate(saved)
    print("hook: before_snapshot ran", flush=True)


@app.after_restore
def after():
    if _flagged("FAIL_AFTER_FILE"):
        raise RuntimeError("after_restore told to fail")
    ran.append("after_restore")
    print("hook: after_restore ran", flush=True)


@app.handler
def handle(event: dict, ctx: Context) -> dict:
    ran.append("invoke")
    return {
        "ran": list(ran),
        "pid": os.getpid(),
        "drawn": random.random(),
        "next_draw_if_not_reseeded": state.get("next_draw_if_not_reseeded"),
        "init_type": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"),
    }
'''

#: Runs the runtime and appends its exit status to $EXITS_FILE (the emulator does not log it).
WRAPPER = '"$0" -m lambdaflow fn:app; status=$?; echo $status >> "$EXITS_FILE"; exit $status'


def start(start_emulator, tmp_path: Path, *, fail_before: bool = False, fail_after: bool = False):
    (tmp_path / "fn.py").write_text(FUNCTION)
    flags = {"FAIL_BEFORE_FILE": tmp_path / "fail-before",
             "FAIL_AFTER_FILE": tmp_path / "fail-after"}
    for name, wanted in (("FAIL_BEFORE_FILE", fail_before), ("FAIL_AFTER_FILE", fail_after)):
        if wanted:
            flags[name].touch()
    repo = Path(__file__).resolve().parents[2]
    env = {name: str(path) for name, path in flags.items()}
    env.update(EXITS_FILE=str(tmp_path / "exits"), PYTHONPATH=f"{tmp_path}:{repo}",
               LAMBDA_TASK_ROOT=str(tmp_path))
    emulator = start_emulator("--snapstart", runtime=["sh", "-c", WRAPPER, sys.executable],
                              env=env)
    return emulator, flags


def exits(tmp_path: Path, count: int, timeout: float = 30) -> list[int]:
    """The runtime exit statuses recorded so far, once there are ``count``."""
    path = tmp_path / "exits"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        statuses = [int(line) for line in path.read_text().split()] if path.exists() else []
        if len(statuses) >= count:
            return statuses
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} runtime exits recorded: {statuses}")


def test_init_at_start_then_the_first_invoke_restores(start_emulator, tmp_path) -> None:
    emulator, _ = start(start_emulator, tmp_path)
    emulator.wait_for_output(r"^INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\t"
                             r"Status: success")
    emulator.wait_for_output(r"hook: before_snapshot ran")
    assert "after_restore ran" not in emulator.output()  # held as the snapshot until an invoke
    status, _, body = emulator.invoke(b"{}")
    first = json.loads(body)
    assert status == 200, body
    assert first["ran"] == ["before_snapshot", "after_restore", "invoke"]
    assert first["init_type"] == "snap-start"
    assert first["drawn"] != first["next_draw_if_not_reseeded"]  # random reseeded on restore
    status, _, body = emulator.invoke(b"{}")
    second = json.loads(body)
    assert status == 200, body
    assert second["ran"] == ["before_snapshot", "after_restore", "invoke", "invoke"]
    assert second["pid"] == first["pid"]
    first_report, second_report = emulator.reports(2)
    assert float(first_report.group("restore_ms")) > 0
    assert int(first_report.group("billed_restore_ms")) >= float(first_report.group("restore_ms"))
    assert second_report.group("restore_ms") is None  # restored once per runtime
    assert second_report.group("billed_restore_ms") is None
    assert all(report.group("init_ms") is None for report in (first_report, second_report))
    assert not (tmp_path / "exits").exists()


def test_a_failing_after_restore_hook_is_an_init_error_and_the_next_invoke_restores_again(
    start_emulator, tmp_path
) -> None:
    emulator, flags = start(start_emulator, tmp_path, fail_after=True)
    emulator.wait_for_output(r"^INIT_REPORT Init Duration: .*Status: success")
    status, _, body = emulator.invoke(b"{}")
    error = json.loads(body)
    assert status == 502, body
    assert error["errorType"] == "Runtime.AfterRestoreError"
    assert "after_restore told to fail" in error["errorMessage"]
    assert exits(tmp_path, 1) == [65]
    flags["FAIL_AFTER_FILE"].unlink()
    status, _, body = emulator.invoke(b"{}")
    assert status == 200, body
    assert json.loads(body)["ran"] == ["before_snapshot", "after_restore", "invoke"]
    assert exits(tmp_path, 1) == [65]  # the restored runtime serves on


def test_a_failing_before_snapshot_hook_is_an_init_error(start_emulator, tmp_path) -> None:
    emulator, _ = start(start_emulator, tmp_path, fail_before=True)
    assert exits(tmp_path, 1) == [64]
    status, _, body = emulator.invoke(b"{}")
    error = json.loads(body)
    assert status == 502, body
    assert error["errorType"] == "Runtime.BeforeSnapshotError"
    assert "before_snapshot told to fail" in error["errorMessage"]
