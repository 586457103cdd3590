"""`--mem`: memory the runtime allocates per invocation, and its RSS after many invocations.

The counterpart of Go's `-benchmem`. Python keeps no running total of bytes allocated, so the
figures are what tracemalloc can see: bytes still held per invocation (growth across a batch,
i.e. leaks or caches) and the peak of extra memory live during the batch above the idle
baseline (the working set one invocation needs). Tracing slows the runtime, so it is a separate
run; RSS comes from /proc in a plain, untraced run.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.backends import Backend, BackendError, RunningBackend
from bench.logparse import METRICS_MESSAGE
from bench.memtrace import OUT_ENV
from bench.runner import invoke_many, started, wait_settled
from bench.workloads import Workload

WARMUP_INVOKES = 50
DUMP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class TracedAllocation:
    """tracemalloc's view across one batch of invocations, after a warm-up batch."""

    invokes: int
    retained_bytes_per_invoke: float
    retained_blocks_per_invoke: float
    peak_bytes_above_idle: int
    growth_sites: list[dict[str, object]]  # source lines holding more memory after the batch


@dataclass(frozen=True)
class ResidentMemory:
    """The runtime process's resident set after `invokes` invocations (from /proc)."""

    runtime: str
    invokes: int
    rss_kb: int
    hwm_kb: int


def _runtime_pid(running: RunningBackend, command: Sequence[str]) -> int:
    pid = running.runtime_pid(command)
    if pid is None:
        raise BackendError("--mem needs a local backend whose runtime process can be found")
    return pid


def _dump(pid: int, out: Path) -> dict[str, Any]:
    """Ask the traced runtime for its figures (SIGUSR1) and read the line it appends."""
    before = len(out.read_text().splitlines()) if out.exists() else 0
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + DUMP_TIMEOUT_S
    while time.monotonic() < deadline:
        lines = out.read_text().splitlines() if out.exists() else []
        if len(lines) > before:
            return json.loads(lines[before])
        time.sleep(0.05)
    raise BackendError(f"traced runtime (pid {pid}) wrote no memory figures to {out}")


def traced_allocation(backend: Backend, workload: Workload, invokes: int,
                      echo: bool = False) -> TracedAllocation:
    """Warm up, take a baseline, run `invokes` more, and compare (runtime under tracemalloc)."""
    command = workload.traced_command()
    with tempfile.TemporaryDirectory(prefix="bench-mem-") as scratch:
        out = Path(scratch) / "memtrace.jsonl"
        with started(backend, command, echo=echo, extra_env={OUT_ENV: str(out)}) as running:
            invoke_many(running, workload, WARMUP_INVOKES)
            wait_settled(running, WARMUP_INVOKES, METRICS_MESSAGE)
            pid = _runtime_pid(running, command)
            baseline = _dump(pid, out)
            invoke_many(running, workload, invokes, first=WARMUP_INVOKES)
            wait_settled(running, WARMUP_INVOKES + invokes, METRICS_MESSAGE)
            after = _dump(pid, out)
    return TracedAllocation(
        invokes=invokes,
        retained_bytes_per_invoke=(after["traced"] - baseline["traced"]) / invokes,
        retained_blocks_per_invoke=(after["blocks"] - baseline["blocks"]) / invokes,
        peak_bytes_above_idle=after["peak"] - baseline["idle"],
        growth_sites=after["growth"],
    )


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise BackendError(f"/proc/{pid}/status has no {field}")


def resident_after(backend: Backend, runtime: str, command: Sequence[str], workload: Workload,
                   invokes: int, echo: bool = False) -> ResidentMemory:
    """RSS and high-water mark of the (untraced) runtime after `invokes` invocations."""
    with started(backend, command, echo=echo) as running:
        invoke_many(running, workload, invokes)
        pid = _runtime_pid(running, command)
        return ResidentMemory(runtime, invokes, _status_kb(pid, "VmRSS"), _status_kb(pid, "VmHWM"))


def render_memory(traced: TracedAllocation, resident: Sequence[ResidentMemory]) -> str:
    """The `--mem` table."""
    lines = [
        "| Memory | Value |",
        "|---|---:|",
        f"| retained bytes / invoke (tracemalloc, {traced.invokes} invokes after "
        f"{WARMUP_INVOKES} warm-up) | {traced.retained_bytes_per_invoke:.1f} |",
        f"| retained blocks / invoke | {traced.retained_blocks_per_invoke:.2f} |",
        f"| peak traced bytes above idle during the batch | {traced.peak_bytes_above_idle} |",
    ]
    for site in traced.growth_sites:
        lines.append(f"| grew: {site['site']} | {site['bytes']} B in {site['blocks']} blocks |")
    for rss in resident:
        lines.append(f"| {rss.runtime} RSS after {rss.invokes} invokes (VmRSS / VmHWM) | "
                     f"{rss.rss_kb / 1024:.1f} MiB / {rss.hwm_kb / 1024:.1f} MiB |")
    return "\n".join(lines) + "\n"
