"""lambdaflow's lifecycle under the real emulator: deadlines, re-init, and shutdown hooks."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

SLOW_APP = """
import os, time
from lambdaflow import App, logger

app = App()

@app.handler
def handle(event: dict) -> dict:
    time.sleep(event.get("sleep", 0))
    return {"pid": os.getpid()}

@app.shutdown
def close() -> None:
    logger.info("hook.closed", pid=os.getpid())
"""


def _start(start_emulator, tmp_path: Path, *options: str):
    (tmp_path / "fn.py").write_text(textwrap.dedent(SLOW_APP))
    env = {"LAMBDA_TASK_ROOT": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[2])}
    return start_emulator(*options, runtime=[sys.executable, "-m", "lambdaflow", "fn:app"], env=env)


def test_deadline_overrun_is_timed_out_and_the_next_event_gets_a_new_process(
    start_emulator, tmp_path
):
    emulator = _start(start_emulator, tmp_path, "--timeout", "1")
    status, _, body = emulator.invoke(b"{}")
    first_pid = json.loads(body)["pid"]
    status, _, body = emulator.invoke(b'{"sleep": 5}')
    assert (status, body) == (200, b"Task timed out after 1.00 seconds")
    status, _, body = emulator.invoke(b"{}")
    assert status == 200 and json.loads(body)["pid"] != first_pid


def test_stopping_the_emulator_runs_shutdown_hooks_through_the_extension(start_emulator, tmp_path):
    emulator = _start(start_emulator, tmp_path)
    status, _, body = emulator.invoke(b"{}")
    assert status == 200
    pid = json.loads(body)["pid"]
    assert emulator.stop() == 0
    closed = [
        json.loads(line)
        for line in emulator.output().splitlines()
        if line.startswith("{") and '"hook.closed"' in line
    ]
    assert [record["pid"] for record in closed] == [pid]
