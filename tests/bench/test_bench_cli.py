"""`python -m bench ...` for real: short runs through the emulator with lambdaflow's runtime.

The CI-sized counterpart of the full benchmark: few invokes, every option exercised once.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.bench.conftest import REPO, needs_extra

TIMEOUT_S = 240


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=TIMEOUT_S, check=False)


@needs_extra("matplotlib")
def test_end_to_end_short_run_with_json_and_plot(tmp_path: Path) -> None:
    out, plot = tmp_path / "rows.json", tmp_path / "phases.png"
    run = bench("end-to-end", "--invokes", "5", "--out", str(out), "--plot", str(plot))
    assert run.returncode == 0, run.stderr
    assert "| Metric | Average (ms) | p50 (ms) | p99 (ms) | Max (ms) |" in run.stdout
    assert "| joined rows | 6 |" in run.stdout
    data = json.loads(out.read_text())
    assert [row["input"] for row in data["rows"][:2]] == ["hi", "hello, lambda"]
    assert [row["warmup"] for row in data["rows"]] == [True] + [False] * 5
    assert all(row["outcome"] == "success" for row in data["rows"])
    assert data["findings"]["metrics"]["handler_ms"]["count"] == 5
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_heavy_with_peers_and_memory() -> None:
    run = bench("heavy", "--invokes", "4", "--peers", "--mem", "--mem-invokes", "20")
    assert run.returncode == 0, run.stderr
    assert "bar: p50 loop_overhead_ms (total_internal - handler)" in run.stdout
    assert "## peers: heavy" in run.stdout
    # the emulator prints RESPONSE lines: response latency beside the billed Duration
    assert run.stdout.count("| response_ms (emulator) |") == 1
    assert run.stdout.count("| response_overhead_ms (response - handler) |") == 3  # + p50, mean
    assert "no RESPONSE lines" not in run.stdout
    assert "joined rows: lambdaflow 5, awslambdaric 5, stdlib 5" in run.stdout
    assert "(bar: <= 0.2 ms)" in run.stdout
    assert "| retained bytes / invoke" in run.stdout
    assert "awslambdaric RSS after 20 invokes" in run.stdout
    assert "stdlib RSS after 20 invokes" in run.stdout


def test_unknown_subcommand_and_bad_arguments() -> None:
    assert bench("no-such-benchmark").returncode == 2
    assert bench("--help").returncode == 0
    refused = bench("heavy", "--invokes", "0")
    assert refused.returncode == 2
    assert "--invokes: must be at least 1" in refused.stderr


def _descendants(pid: int) -> set[int]:
    found, pending = set(), [pid]
    while pending:
        for children in Path(f"/proc/{pending.pop()}/task").glob("*/children"):
            try:
                new = {int(child) for child in children.read_text().split()}
            except OSError:
                continue
            pending += new - found
            found |= new
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_everything_started() -> None:
    process = subprocess.Popen([sys.executable, "-m", "bench", "heavy", "--invokes", "2000",
                                "--verbose"], cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(TIMEOUT_S, process.kill)  # bounds the read loop below
    watchdog.start()
    started: set[int] = set()
    try:
        assert process.stderr is not None
        for line in process.stderr:  # --verbose copies the backend's output here
            if line.startswith("END RequestId:"):
                break
        started = _descendants(process.pid)
        assert len(started) >= 2  # the emulator and the runtime it spawned
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
        assert process.returncode == 130
        deadline = time.monotonic() + 30
        while any(map(_alive, started)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_alive, started))
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        for pid in filter(_alive, started):  # a failed run must not leave its backend behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
