"""Fixtures that run the real emulator as a subprocess on a free loopback port.

Every emulator a test starts is stopped by the fixture (SIGTERM, then SIGKILL), and its stdout
is kept in a file so a test can read what it printed, including the runtime's own lines.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lambdaflow.emulator.output.report import REPORT_LINE

REPO = Path(__file__).resolve().parents[2]
BOOTSTRAP = REPO / "bench" / "toys" / "scripted_runtime.py"
INVOKE_PATH = "/2015-03-31/functions/function/invocations"
STARTUP_TIMEOUT_S = 30
_LISTENING = re.compile(r"lambdaflow\.emulator listening on http://([\d.]+):(\d+)")
_FUNCTION_URL = re.compile(r"lambdaflow\.emulator Function URL on http://([\d.]+):(\d+)")


class RunningEmulator:
    """A started emulator: where it listens, what it printed, how to invoke and stop it."""

    def __init__(self, process: subprocess.Popen[bytes], stdout_path: Path, port: int) -> None:
        self.process = process
        self.port = port
        self.function_url_port: int | None = None  # with --function-url-port
        self._stdout_path = stdout_path

    def connection(self, timeout: float = 60) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def invoke(
        self,
        payload: bytes | str = b"{}",
        headers: dict[str, str] | None = None,
        path: str = INVOKE_PATH,
        timeout: float = 60,
    ) -> tuple[int, dict[str, str], bytes]:
        """One invoke on a fresh connection: (status, headers, body)."""
        body = payload.encode() if isinstance(payload, str) else payload
        connection = self.connection(timeout)
        try:
            connection.request("POST", path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def output(self) -> str:
        return self._stdout_path.read_text(errors="replace")

    def wait_for_output(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        """Wait until the emulator's stdout matches ``pattern`` (a regex, multiline)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output(), re.MULTILINE)
            if match:
                return match
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} in emulator output:\n{self.output()}")

    def reports(self, count: int, timeout: float = 30) -> list[re.Match[str]]:
        """The parsed REPORT lines, once there are ``count`` (printed after the answer)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [line for line in self.output().splitlines() if line.startswith("REPORT")]
            if len(lines) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(lines) == count, lines
        parsed = [REPORT_LINE.match(line) for line in lines]
        assert all(parsed), lines
        return parsed

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 20) -> int:
        """Signal the emulator and wait for it; returns its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def _drain(stream, lines: list[str], ready: threading.Event) -> None:
    for raw in stream:
        line = raw.decode(errors="replace")
        lines.append(line)
        if _LISTENING.search(line):
            ready.set()
    ready.set()


def launch(
    stdout_path: Path,
    *options: str,
    runtime: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> RunningEmulator:
    """Start an emulator on a free port (its stdout to ``stdout_path``); the caller stops it."""
    command = runtime or [sys.executable, str(BOOTSTRAP)]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_")}
    full_env.update(env or {})
    argv = [sys.executable, "-m", "lambdaflow.emulator", "--port", "0", *options, "--", *command]
    with open(stdout_path, "wb") as stdout:
        process = subprocess.Popen(
            argv,
            cwd=REPO,
            env=full_env,
            stdout=stdout,
            stderr=subprocess.PIPE,
        )
    stderr_lines: list[str] = []
    ready = threading.Event()
    threading.Thread(
        target=_drain, args=(process.stderr, stderr_lines, ready), daemon=True
    ).start()
    emulator = RunningEmulator(process, stdout_path, 0)
    ready.wait(STARTUP_TIMEOUT_S)
    match = next(filter(None, map(_LISTENING.search, stderr_lines)), None)
    if not match:
        emulator.stop()
    assert match, f"emulator did not start: {''.join(stderr_lines)}"
    emulator.port = int(match.group(2))
    url = next(filter(None, map(_FUNCTION_URL.search, stderr_lines)), None)
    emulator.function_url_port = int(url.group(2)) if url else None
    return emulator


@pytest.fixture
def start_emulator(tmp_path: Path) -> Iterator:
    """Factory: start_emulator(*options, runtime=[...], env={...}) -> RunningEmulator."""
    started: list[RunningEmulator] = []

    def start(
        *options: str, runtime: list[str] | None = None, env: dict[str, str] | None = None
    ) -> RunningEmulator:
        stdout_path = tmp_path / f"emulator-{len(started)}.out"
        emulator = launch(stdout_path, *options, runtime=runtime, env=env)
        started.append(emulator)
        return emulator

    try:
        yield start
    finally:
        for emulator in started:
            if emulator.process.poll() is None:
                emulator.process.send_signal(signal.SIGTERM)
                try:
                    emulator.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    emulator.process.kill()
                    emulator.process.wait()
