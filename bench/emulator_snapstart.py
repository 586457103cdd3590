"""lambdaflow restored in the emulator's SnapStart mode: the emulator's own figures for it.

Each round starts a fresh `python -m lambdaflow.emulator --snapstart` (emulator and runtime on
one core) serving examples/echo, waits for its INIT_REPORT (the init a snapshot captures) and
invokes once: the REPORT's Restore Duration (restore/next answered -> the runtime's next /next,
i.e. the after_restore work) and Duration (the first invocation) are what a restored cold start
adds before and during the first response.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from lambdaflow.emulator.output.report import REPORT_LINE

from .stub_runs import PYTHON, REPO, median, pinned

ROW = "lambdaflow restored in the emulator's SnapStart mode (restore -> first response)"
_LISTENING = re.compile(r"listening on http://[\d.]+:(\d+)")
_INIT_REPORT = re.compile(r"^INIT_REPORT Init Duration: (\d+\.\d\d) ms", re.MULTILINE)
TIMEOUT_S = 60


def _wait_for(path: Path, pattern: re.Pattern[str]) -> re.Match[str]:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        match = next(filter(None, map(pattern.match, path.read_text().splitlines())), None)
        if match:
            return match
        time.sleep(0.02)
    raise RuntimeError(f"no {pattern.pattern!r} from the emulator:\n{path.read_text()}")


def one_round(core: int | None) -> tuple[float, float, float]:
    """(Init Duration, Restore Duration, first Duration) in ms from one fresh emulator."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_")}
    command = [PYTHON, "-m", "lambdaflow.emulator", "--port", "0", "--snapstart", "--",
               PYTHON, "-m", "lambdaflow", "examples.echo.app:app"]
    with tempfile.TemporaryDirectory(prefix="lambdaflow-snap-") as directory:
        out = Path(directory) / "stdout"
        with open(out, "wb") as stdout:
            process = subprocess.Popen(pinned(command, core), cwd=REPO, env=env, stdout=stdout,
                                       stderr=subprocess.PIPE, text=True)
        try:
            port = next(int(m.group(1)) for m in map(_LISTENING.search, process.stderr) if m)
            init_ms = float(_wait_for(out, _INIT_REPORT).group(1))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
            connection.request("POST", "/2015-03-31/functions/function/invocations",
                               body=b'{"input": "x"}')
            connection.getresponse().read()
            connection.close()
            report = _wait_for(out, REPORT_LINE)
        finally:
            process.terminate()
            process.wait(TIMEOUT_S)
    return init_ms, float(report.group("restore_ms")), float(report.group("duration_ms"))


def measure(rounds: int, core: int | None) -> str:
    """One line of medians over `rounds` fresh emulators."""
    samples = [one_round(core) for _ in range(rounds)]
    init, restore, first = (median([sample[i] for sample in samples]) for i in range(3))
    return (f"{ROW}, median of {rounds}: Init Duration {init:.1f} ms (at start: the snapshot's), "
            f"Restore Duration {restore:.2f} ms, first Duration {first:.2f} ms")
