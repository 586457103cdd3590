"""Fixtures: a real Runtime API on loopback and the runtime as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.conftest import start_emulator  # noqa: F401  (lifecycle under the emulator)

from .fake_runtime_api import FakeRuntimeApi

REPO = Path(__file__).resolve().parents[2]


class RuntimeProcess:
    """`python -m lambdaflow TARGET` with its stdout/stderr collected line by line."""

    def __init__(
        self, target: str, task_root: Path, env: dict[str, str], launcher: tuple[str, ...] = ()
    ) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [*launcher, sys.executable, "-m", "lambdaflow", target],
            cwd=task_root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="backslashreplace",  # a function may print bytes that are not UTF-8
        )
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()

    def _collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def json_lines(self) -> list[dict[str, Any]]:
        records = []
        for line in list(self.lines):
            if line.startswith("{"):
                records.append(json.loads(line))
        return records

    def records(self, message: str) -> list[dict[str, Any]]:
        return [r for r in self.json_lines() if r.get("message") == message]

    def wait_for_record(self, message: str, count: int = 1, timeout: float = 20) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.records(message)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{count} x {message!r} not logged; output: {self.lines}")
                self._changed.wait(remaining)
        return self.records(message)

    def wait(self, timeout: float = 20) -> int:
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.wait()


def runtime_env(api_address: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LAMBDA_", "_X_"))}
    env["PYTHONPATH"] = str(REPO)
    env["AWS_LAMBDA_FUNCTION_NAME"] = "fn"
    env["AWS_LAMBDA_FUNCTION_VERSION"] = "7"
    env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "256"
    env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/fn"
    env["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/11/28/[7]abc"
    if api_address is not None:
        env["AWS_LAMBDA_RUNTIME_API"] = api_address
    env.update(extra)
    return env


@pytest.fixture
def api() -> Iterator[FakeRuntimeApi]:
    with FakeRuntimeApi() as server:
        yield server


@pytest.fixture
def start_runtime(api: FakeRuntimeApi, tmp_path: Path):
    """start_runtime(source, **env) writes `source` as fn.py and runs `fn:app` against `api`.

    With source None, `target` names a module of the repository (on PYTHONPATH).
    """
    started: list[RuntimeProcess] = []

    def start(source: str | None, target: str = "fn:app", **env: str) -> RuntimeProcess:
        if source is not None:
            (tmp_path / "fn.py").write_text(textwrap.dedent(source))
        runtime = RuntimeProcess(target, tmp_path, runtime_env(api.address, **env))
        started.append(runtime)
        return runtime

    yield start
    for runtime in started:
        runtime.stop()
