"""START / END / REPORT lines in the RIE's exact format, with honest figures.

The format is tab separated with a trailing tab, ``Init Duration`` only on the first REPORT after
an init. ``REPORT_LINE`` is the one pattern that parses both the RIE's lines and ours.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

REPORT_LINE = re.compile(
    r"^REPORT RequestId: (?P<request_id>[0-9a-f-]{36})\t"
    r"(?:Init Duration: (?P<init_ms>\d+\.\d{2}) ms\t)?"
    r"Duration: (?P<duration_ms>\d+\.\d{2}) ms\t"
    r"Billed Duration: (?P<billed_ms>\d+) ms\t"
    r"Memory Size: (?P<memory_mb>\d+) MB\t"
    r"Max Memory Used: (?P<max_memory_mb>\d+) MB\t"
    r"(?:Restore Duration: (?P<restore_ms>\d+\.\d{2}) ms\t"
    r"Billed Restore Duration: (?P<billed_restore_ms>\d+) ms\t)?$"
)


def billed_ms(duration_ms: float) -> int:
    """Lambda bills every started millisecond."""
    return math.ceil(duration_ms)


#: The emulator's own line (``--response-lines``): when the response arrived, for benchmarks
#: that show response latency beside the billed Duration. Not a Lambda line.
RESPONSE_LINE = re.compile(
    r"^RESPONSE RequestId: (?P<request_id>[0-9a-f-]{36})\t"
    r"Response Duration: (?P<response_ms>\d+\.\d{2}) ms\t$"
)


def response_line(request_id: str, response_ms: float) -> str:
    return f"RESPONSE RequestId: {request_id}\tResponse Duration: {response_ms:.2f} ms\t"


def init_report_line(init_ms: float) -> str:
    """What a SnapStart emulator prints once its init (the version publish's) is done."""
    return f"INIT_REPORT Init Duration: {init_ms:.2f} ms\tPhase: init\tStatus: success"


def start_line(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}"


@dataclass(frozen=True, slots=True)
class InvocationReport:
    """The figures of one REPORT line."""

    request_id: str
    duration_ms: float
    memory_size_mb: int
    max_memory_used_mb: int
    init_duration_ms: float | None = None
    #: SnapStart: from answering restore/next to the runtime's first /next (its restore hooks)
    restore_duration_ms: float | None = None

    def line(self) -> str:
        init = (
            ""
            if self.init_duration_ms is None
            else f"Init Duration: {self.init_duration_ms:.2f} ms\t"
        )
        restore = (
            ""
            if self.restore_duration_ms is None
            else f"Restore Duration: {self.restore_duration_ms:.2f} ms\t"
            f"Billed Restore Duration: {billed_ms(self.restore_duration_ms)} ms\t"
        )
        return (
            f"REPORT RequestId: {self.request_id}\t{init}"
            f"Duration: {self.duration_ms:.2f} ms\t"
            f"Billed Duration: {billed_ms(self.duration_ms)} ms\t"
            f"Memory Size: {self.memory_size_mb} MB\t"
            f"Max Memory Used: {self.max_memory_used_mb} MB\t{restore}"
        )
