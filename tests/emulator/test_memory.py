"""Max Memory Used: the peak of the runtime's whole process tree, in MB rounded up."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from lambdaflow.emulator.sandbox.memory import PeakMemory, kib_to_mb


@pytest.mark.parametrize(("kib", "mb"), [(0, 0), (1, 1), (1024, 1), (1025, 2), (98_305, 97)])
def test_memory_is_reported_in_whole_mb_rounded_up(kib: int, mb: int) -> None:
    assert kib_to_mb(kib) == mb


# A parent that stays small and a child that holds 64 MiB, both alive until stdin closes.
TREE = (
    "import subprocess, sys\n"
    "child = subprocess.Popen([sys.executable, '-c', "
    "'import sys; held = bytearray(64 << 20); print(\"held\", flush=True); sys.stdin.read()'], "
    "stdin=sys.stdin)\n"
    "child.wait()\n"
)


def test_a_child_processs_memory_counts_toward_the_peak() -> None:
    root = subprocess.Popen([sys.executable, "-c", TREE], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    try:
        assert root.stdout is not None and root.stdout.readline() == b"held\n"
        peak = PeakMemory(root.pid)
        deadline = time.monotonic() + 10
        while peak.sample() < 64 * 1024 and time.monotonic() < deadline:
            time.sleep(0.05)  # /proc/<pid>/task/<pid>/children lists the child once it runs
        assert peak.sample() >= 64 * 1024
        peak.close()
    finally:
        assert root.stdin is not None
        root.stdin.close()
        root.wait(10)
