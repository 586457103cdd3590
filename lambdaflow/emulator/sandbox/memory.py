"""Peak resident memory of the runtime's process tree, read from /proc.

Lambda's ``Max Memory Used`` is the environment's peak; the RIE just repeats the memory size.
VmHWM is the kernel's own high-water mark of a process's RSS, so summing it over the live tree
gives an honest (slightly generous) peak without sampling. Processes that already exited are
not counted; the largest figure seen is kept. The runtime's own status and children files stay
open and are re-read with pread: this runs once per invoke, and open() dominates its cost.
"""

from __future__ import annotations

import contextlib
import os

_MAX_PROCESSES = 256  # bound the walk: a fork bomb must not stall the event loop


def _vm_hwm_kib(status: bytes) -> int:
    start = status.find(b"VmHWM:")
    if start < 0:
        return 0
    return int(status[start + 6 : status.index(b"kB", start)])


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return b""


def _descendants(pid: int) -> list[int]:
    """Children of every thread of ``pid``, recursively (bounded)."""
    found: list[int] = []
    pending = [pid]
    while pending and len(found) < _MAX_PROCESSES:
        parent = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            children = [int(c) for c in _read_file(f"/proc/{parent}/task/{task}/children").split()]
            found.extend(children)
            pending.extend(children)
    return found[:_MAX_PROCESSES]


class PeakMemory:
    """Tracks the peak RSS (KiB) of one process tree for as long as its root lives."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._status_fd: int | None = None
        self._children_fd: int | None = None
        with contextlib.suppress(OSError):
            self._status_fd = os.open(f"/proc/{pid}/status", os.O_RDONLY)
            self._children_fd = os.open(f"/proc/{pid}/task/{pid}/children", os.O_RDONLY)

    def sample(self) -> int:
        """Refresh and return the peak; cheap when the runtime has no child processes."""
        if self._status_fd is None or self._children_fd is None:
            return self.peak_kib
        try:
            total = _vm_hwm_kib(os.pread(self._status_fd, 8192, 0))
            if os.pread(self._children_fd, 64, 0).strip():
                total += sum(
                    _vm_hwm_kib(_read_file(f"/proc/{child}/status"))
                    for child in _descendants(self.pid)
                )
        except (OSError, ValueError):
            return self.peak_kib
        self.peak_kib = max(self.peak_kib, total)
        return self.peak_kib

    def close(self) -> None:
        """Release the /proc handles (the process is gone; the peak stays readable)."""
        for fd in (self._status_fd, self._children_fd):
            if fd is not None:
                os.close(fd)
        self._status_fd = self._children_fd = None


def kib_to_mb(kib: int) -> int:
    """Whole MB, rounded up as Lambda reports memory."""
    return -(-kib // 1024)
