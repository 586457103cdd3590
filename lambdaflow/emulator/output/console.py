"""The emulator's stdout: its own START/END/REPORT lines and the runtime's output, one stream.

One writer owns the stream so that the emulator's lines always start at a line boundary even
when the runtime wrote half a line, and so that an invocation's output can be captured for
``LogType: Tail`` (Lambda returns the last 4 KB of the invocation's log). Invocations that
overlap (Managed Instances) each capture everything written while they run: the runtime's
lines carry no request id the emulator could sort them by.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import BinaryIO

TAIL_BYTES = 4096


class Console:
    """Writes bytes to one binary stream and optionally records them for a log tail."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._at_line_start = True
        self._captures: dict[Hashable, bytearray] = {}

    def runtime_output(self, data: bytes) -> None:
        """Forward what the runtime printed, unchanged."""
        if data:
            self._write(data)
            self._at_line_start = data.endswith(b"\n")

    def line(self, text: str) -> None:
        """Print one emulator line, on a line of its own."""
        data = text.encode() + b"\n"
        self._write(data if self._at_line_start else b"\n" + data)
        self._at_line_start = True

    def start_capture(self, key: Hashable) -> None:
        """Begin recording everything written, for the log tail of invocation ``key``."""
        self._captures[key] = bytearray()

    def stop_capture(self, key: Hashable) -> bytes:
        """Stop recording; return the last ``TAIL_BYTES`` written since ``start_capture``."""
        captured = self._captures.pop(key, None)
        return b"" if captured is None else bytes(captured[-TAIL_BYTES:])

    def _write(self, data: bytes) -> None:
        for capture in self._captures.values():
            capture += data
            if len(capture) > 2 * TAIL_BYTES:
                del capture[:-TAIL_BYTES]
        try:
            self._stream.write(data)
            self._stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # nobody reads our stdout any more; invocations must still be answered
