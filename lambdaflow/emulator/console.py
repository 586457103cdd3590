"""The emulator's stdout: its own START/END/REPORT lines and the runtime's output, one stream.

One writer owns the stream so that the emulator's lines always start at a line boundary even
when the runtime wrote half a line, and so that one invocation's output can be captured for
``LogType: Tail`` (Lambda returns the last 4 KB of the invocation's log).
"""

from __future__ import annotations

from typing import BinaryIO

TAIL_BYTES = 4096


class Console:
    """Writes bytes to one binary stream and optionally records them for a log tail."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._at_line_start = True
        self._capture: bytearray | None = None

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

    def start_capture(self) -> None:
        """Begin recording everything written, for one invocation's log tail."""
        self._capture = bytearray()

    def stop_capture(self) -> bytes:
        """Stop recording; return the last ``TAIL_BYTES`` written since ``start_capture``."""
        captured = bytes(self._capture[-TAIL_BYTES:]) if self._capture is not None else b""
        self._capture = None
        return captured

    def _write(self, data: bytes) -> None:
        capture = self._capture
        if capture is not None:
            capture += data
            if len(capture) > 2 * TAIL_BYTES:
                del capture[:-TAIL_BYTES]
        try:
            self._stream.write(data)
            self._stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # nobody reads our stdout any more; invocations must still be answered
