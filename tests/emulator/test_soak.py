"""A short soak: thousands of invokes leave the emulator's memory and descriptors flat."""

from __future__ import annotations

import os
import re
import sys

from .conftest import INVOKE_PATH, REPO

MINIMAL = [sys.executable, str(REPO / "bench" / "toys" / "minimal.py")]


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", status.read(), re.MULTILINE).group(1))


def test_two_thousand_invokes_leave_memory_and_descriptors_flat(start_emulator) -> None:
    emulator = start_emulator(runtime=MINIMAL)
    pid = emulator.process.pid
    connection = emulator.connection()

    def invoke_many(count: int) -> None:
        for index in range(count):
            payload = f'{{"i": {index}}}'.encode()
            connection.request("POST", INVOKE_PATH, payload)
            assert connection.getresponse().read() == payload

    try:
        invoke_many(500)  # warm up: allocator pools, caches
        rss_before, fds_before = rss_kib(pid), len(os.listdir(f"/proc/{pid}/fd"))
        invoke_many(2000)
        rss_after, fds_after = rss_kib(pid), len(os.listdir(f"/proc/{pid}/fd"))
    finally:
        connection.close()
    assert fds_after == fds_before
    assert rss_after - rss_before < 2048, (rss_before, rss_after)
    reports = emulator.reports(2500)
    assert len(reports) == 2500
    # one runtime served them all: a runtime that crashed after each answer would be re-inited
    assert emulator.output().count("Init Duration") == 1
