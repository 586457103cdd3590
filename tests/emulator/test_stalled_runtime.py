"""A runtime that stops asking for events after answering cannot hold queued invokes forever."""

from __future__ import annotations

import sys
import threading

from .conftest import REPO

STALLS = [sys.executable, str(REPO / "bench" / "toys" / "stalls.py")]


def _two_invokes(emulator) -> dict[int, tuple[int, bytes]]:
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
    emulator.reports(2)
    # each invocation's END comes before the next one's START
    lines = [
        line.split()[0]
        for line in emulator.output().splitlines()
        if line.startswith(("START", "END"))
    ]
    assert lines[:4] == ["START", "END", "START", "END"], lines
    return answers


def test_an_answer_without_a_next_is_billed_to_the_deadline(start_emulator) -> None:
    """As on Lambda: Duration runs until /next; a runtime that never asks is killed at the
    deadline and the queued invoke gets a fresh runtime."""
    emulator = start_emulator("--timeout", "1", runtime=STALLS, env={"STALL_MODE": "after_answer"})
    answers = _two_invokes(emulator)
    assert answers == {0: (200, b"ok"), 1: (200, b"ok")}
    first = emulator.reports(2)[0]
    assert first.group("duration_ms") == "1000.00"
    assert first.group("billed_ms") == "1000"


def test_an_invoke_delivered_to_a_stalled_runtime_times_out(start_emulator) -> None:
    emulator = start_emulator("--timeout", "1", runtime=STALLS, env={"STALL_MODE": "pipelined"})
    answers = _two_invokes(emulator)
    assert answers[0] == (200, b"ok")
    assert answers[1] == (200, b"Task timed out after 1.00 seconds")
    first = emulator.reports(2)[0]
    assert 500 <= float(first.group("duration_ms")) < 1000  # ended by the pipelined /next
