"""Peak resident memory of the runtime's process tree, read from /proc.

Lambda's ``Max Memory Used`` is the environment's peak; the RIE just repeats the memory size.
VmHWM is the kernel's own high-water mark of a process's RSS, so summing it over the live tree
gives an honest (slightly generous) peak without sampling. Processes that already exited are
not counted; the caller keeps the largest figure it has seen.
"""

from __future__ import annotations

import os

_MAX_PROCESSES = 256  # bound the walk: a fork bomb must not stall the event loop


def _vm_hwm_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as children:
                found.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return found


def tree_peak_rss_kib(root_pid: int) -> int:
    """Sum of VmHWM (KiB) over ``root_pid`` and its live descendants; 0 if it is gone."""
    total = 0
    pending = [root_pid]
    seen = 0
    while pending and seen < _MAX_PROCESSES:
        pid = pending.pop()
        seen += 1
        total += _vm_hwm_kib(pid)
        pending.extend(_children(pid))
    return total


def kib_to_mb(kib: int) -> int:
    """Whole MB, rounded up as Lambda reports memory."""
    return -(-kib // 1024)
