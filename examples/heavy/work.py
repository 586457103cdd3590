"""The heavy example's workloads: sleep (I/O-like wait) or burn CPU in a busy loop, for a while.

Plain stdlib so that the awslambdaric peer handler in bench/ runs exactly the same work.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Literal

WORKLOADS = ("sleep:20ms", "sleep:50ms", "cpu:20ms", "cpu:50ms")
MAX_MS = 10_000.0  # a typo must not hang the function until the emulator's timeout
_SPEC = re.compile(r"(?P<kind>sleep|cpu):(?P<ms>\d+(?:\.\d+)?)ms")


@dataclass(frozen=True)
class Workload:
    """What one invocation should do, and for how long."""

    kind: Literal["sleep", "cpu"]
    ms: float


def parse_workload(spec: str) -> Workload:
    """`sleep:20ms` / `cpu:50ms` -> Workload; ValueError says what is accepted."""
    match = _SPEC.fullmatch(spec.strip())
    if match is None:
        raise ValueError(f"workload {spec!r}: expected sleep:<N>ms or cpu:<N>ms")
    ms = float(match["ms"])
    if ms > MAX_MS:
        raise ValueError(f"workload {spec!r}: at most {MAX_MS:.0f} ms")
    return Workload(kind="sleep" if match["kind"] == "sleep" else "cpu", ms=ms)


def run_workload(workload: Workload) -> int:
    """Do the work; returns the busy-loop rounds run (0 for sleep), a sign the CPU really spun."""
    if workload.kind == "sleep":
        time.sleep(workload.ms / 1000)
        return 0
    deadline = time.perf_counter() + workload.ms / 1000
    rounds = 0
    while time.perf_counter() < deadline:
        rounds += 1
    return rounds
