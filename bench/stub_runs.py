"""Run one runtime process against `bench.runtime_api_stub`, both optionally pinned to a core."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

#: The runtimes compared, each serving the echo contract ({"input": s} -> {"message": s}).
RUNTIMES: dict[str, list[str]] = {
    "awslambdaric": [PYTHON, "-m", "awslambdaric", "bench.peer_echo.handler"],
    "lambdaflow": [PYTHON, "-m", "lambdaflow", "examples.echo.app:app"],
}


def pinned(command: list[str], core: int | None) -> list[str]:
    return ["taskset", "-c", str(core), *command] if core is not None else command


def run_against_stub(
    command: list[str], *, warmup: int = 0, invocations: int = 0, core: int | None = 0,
    timeout: float = 300,
) -> dict[str, Any]:
    """Serve `invocations` events (0: stop at the first /next) and return the stub's figures.

    Adds `spawn_to_first_next_ms`: from just before the runtime's spawn to its first /next
    reaching the stub, both read from CLOCK_MONOTONIC, which processes share on Linux.
    """
    stub_command = [PYTHON, "-m", "bench.runtime_api_stub", "--warmup", str(warmup),
                    "--invocations", str(invocations)]
    stub = subprocess.Popen(pinned(stub_command, core), cwd=REPO, stdout=subprocess.PIPE,
                            text=True)
    with tempfile.TemporaryFile("w+") as runtime_output:
        runtime = None
        try:
            port = json.loads(stub.stdout.readline())["port"]
            env = dict(os.environ, PYTHONPATH=str(REPO), LAMBDA_TASK_ROOT=str(REPO),
                       AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{port}",
                       AWS_LAMBDA_FUNCTION_NAME="bench", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128")
            spawned_ns = time.monotonic_ns()
            runtime = subprocess.Popen(pinned(command, core), cwd=REPO, env=env,
                                       stdout=runtime_output, stderr=subprocess.STDOUT)
            try:
                result_line, _ = stub.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                runtime_output.seek(0)
                raise RuntimeError(
                    f"{command} did not finish; its output ends:\n{runtime_output.read()[-2000:]}"
                ) from None
        finally:
            for process in (runtime, stub):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait()
    result = json.loads(result_line)
    result["spawn_to_first_next_ms"] = (result["first_next_monotonic_ns"] - spawned_ns) / 1e6
    return result


def median(values: list[float]) -> float:
    return statistics.median(values)


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """A GitHub-flavoured Markdown table, so figures paste straight into notes."""
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
