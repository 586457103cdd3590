"""Run one runtime process against `bench.toys.runtime_api_stub`, both optionally pinned to a
core.
"""

from __future__ import annotations

import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

#: The runtimes compared, each serving the echo contract ({"input": s} -> {"message": s}).
RUNTIMES: dict[str, list[str]] = {
    "awslambdaric": [PYTHON, "-m", "awslambdaric", "bench.peer_handlers.plain_echo"],
    "lambdaflow": [PYTHON, "-m", "lambdaflow", "examples.echo.app:app"],
}


def pinned(command: list[str], core: int | None) -> list[str]:
    return ["taskset", "-c", str(core), *command] if core is not None else command


def cpu_ns(pid: int) -> int:
    """Nanoseconds the process has spent on a CPU (/proc/PID/schedstat), waiting excluded."""
    with open(f"/proc/{pid}/schedstat") as stat:
        return int(stat.read().split()[0])


def rss_kib(pid: int) -> int:
    """The process's resident set (VmRSS), KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def run_against_stub(
    command: list[str],
    *,
    warmup: int = 0,
    invocations: int = 0,
    core: int | None = 0,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Serve `warmup + invocations` events, then return the figures at the next /next (with
    both 0, at the first), where the runtime sits blocked.

    `us_per_invoke` is wall time in the window; `runtime_cpu_us_per_invoke` and
    `stub_cpu_us_per_invoke` are CPU time, which other load on a shared machine cannot inflate.
    `spawn_to_first_next_ms` and `spawn_to_first_answer_ms` run from just before the spawn to the
    first /next and the first POST reaching the stub (CLOCK_MONOTONIC, shared by processes).
    Without `invocations`: `runtime_cpu_ms`, the runtime's CPU until the stub stopped,
    `cpu_to_first_answer_ms` until its first POST, `cpu_after_restore_ms` from restore/next on,
    and `rss_kib`, its resident set when stopped.
    `env` is added to (or overrides) the runtime's environment.
    """
    stub_command = [PYTHON, "-m", "bench.toys.runtime_api_stub", "--warmup", str(warmup),
                    "--invocations", str(invocations)]
    stub = subprocess.Popen(pinned(stub_command, core), cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[dict[str, Any]] = queue.Queue()
    threading.Thread(target=_read_json_lines, args=(stub.stdout, lines), daemon=True).start()
    with tempfile.TemporaryFile("w+") as runtime_output:
        runtime = None
        try:
            port = lines.get(timeout=30)["port"]
            env = {**os.environ, "PYTHONPATH": str(REPO), "LAMBDA_TASK_ROOT": str(REPO),
                   "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
                   "AWS_LAMBDA_FUNCTION_NAME": "bench", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
                   **(env or {})}
            spawned_ns = time.monotonic_ns()
            runtime = subprocess.Popen(pinned(command, core), cwd=REPO, env=env,
                                       stdout=runtime_output, stderr=subprocess.STDOUT)
            assert stub.stdin is not None
            stub.stdin.write(f"{runtime.pid}\n")  # for the CPU time at its first answer
            stub.stdin.close()
            try:
                if invocations:
                    lines.get(timeout=timeout)  # {"mark": "warm"}
                    runtime_start, stub_start = cpu_ns(runtime.pid), cpu_ns(stub.pid)
                result = lines.get(timeout=timeout)
                runtime_end, stub_end = cpu_ns(runtime.pid), cpu_ns(stub.pid)
                resident_kib = rss_kib(runtime.pid)
            except queue.Empty:
                runtime_output.seek(0)
                raise RuntimeError(
                    f"{command} did not finish; its output ends:\n{runtime_output.read()[-2000:]}"
                ) from None
        finally:
            for process in (runtime, stub):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait()
    for mark in ("first_next", "first_answer", "restore_next"):
        at = result[f"{mark}_monotonic_ns"]
        result[f"spawn_to_{mark}_ms"] = (at - spawned_ns) / 1e6 if at else None
    restored = result["restored_monotonic_ns"]
    if restored:
        answered = result["first_answer_monotonic_ns"]
        result["restore_to_first_answer_ms"] = (answered - restored) / 1e6
    if invocations:
        result["runtime_cpu_us_per_invoke"] = (runtime_end - runtime_start) / invocations / 1000
        result["stub_cpu_us_per_invoke"] = (stub_end - stub_start) / invocations / 1000
    else:
        result["runtime_cpu_ms"] = runtime_end / 1e6
        if result["first_answer_cpu_ns"] is not None:
            result["cpu_to_first_answer_ms"] = result["first_answer_cpu_ns"] / 1e6
        if result["restore_next_cpu_ns"] is not None:
            result["cpu_after_restore_ms"] = (runtime_end - result["restore_next_cpu_ns"]) / 1e6
        result["rss_kib"] = resident_kib
    return result


def _read_json_lines(stream: Any, into: queue.Queue[dict[str, Any]]) -> None:
    for line in stream:
        into.put(json.loads(line))


def median(values: list[float]) -> float:
    return statistics.median(values)


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """A GitHub-flavoured Markdown table, so figures paste straight into notes."""
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
