"""A runtime that stops asking for events after answering cannot hold queued invokes forever."""

from __future__ import annotations

import sys
import threading

import pytest

from .conftest import REPO

STALLS = [sys.executable, str(REPO / "bench" / "toys" / "stalls.py")]


@pytest.mark.parametrize("mode", ["after_answer", "pipelined"])
def test_invokes_queued_behind_a_stalled_runtime_time_out_in_order(start_emulator, mode) -> None:
    emulator = start_emulator("--timeout", "1", runtime=STALLS, env={"STALL_MODE": mode})
    answers: dict[int, tuple[int, bytes]] = {}

    def invoke(index: int) -> None:
        status, _, body = emulator.invoke(b"{}", timeout=20)
        answers[index] = (status, body)

    first = threading.Thread(target=invoke, args=(0,))
    first.start()
    emulator.wait_for_output(r"^START RequestId")  # the first is being served (for 0.5 s)
    second = threading.Thread(target=invoke, args=(1,))
    second.start()
    first.join(20)
    second.join(20)
    assert answers[0] == (200, b"ok")
    assert answers[1] == (200, b"Task timed out after 1.00 seconds")
    # each invocation's END comes before the next one's START (printed after the answer: wait)
    emulator.reports(2)
    lines = [line.split()[0] for line in emulator.output().splitlines()
             if line.startswith(("START", "END"))]
    assert lines == ["START", "END", "START", "END"], lines
