"""The emulator's stdout: the runtime's output unchanged, the emulator's lines on their own."""

from __future__ import annotations


def test_the_emulators_lines_start_a_line_after_output_that_ended_none(start_emulator) -> None:
    emulator = start_emulator()
    status, _, _ = emulator.invoke(b'{"partial": "no newline here"}')
    assert status == 200
    emulator.invoke(b"{}")  # the first invocation ends (END, REPORT) at this one's /next
    emulator.reports(2)
    output = emulator.output()
    assert "no newline here" in output  # forwarded unchanged...
    lines = output.splitlines()
    assert "no newline here" in lines  # ...and the END that followed it began a new line
    assert sum(line.startswith("END RequestId: ") for line in lines) == 2
