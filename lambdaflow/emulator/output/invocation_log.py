"""START, END and REPORT lines for each invocation, and when its caller gets the answer.

Separate from the lifecycle in ``sandbox`` because what is printed (and measured for the
REPORT) is one concern and when the runtime moves is another. A caller's answer is held here
from the moment it is known until it may go out: on the loop's next turn normally, after
REPORT when the caller asked for the log tail (the tail is the invocation's whole log).
"""

from __future__ import annotations

from typing import Protocol

from lambdaflow.emulator.config import EmulatorConfig
from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.emulator.output.console import Console
from lambdaflow.emulator.output.report import (
    InvocationReport,
    end_line,
    init_report_line,
    response_line,
    start_line,
)
from lambdaflow.emulator.routes import rie_responses
from lambdaflow.emulator.sandbox.memory import PeakMemory, kib_to_mb
from lambdaflow.emulator.sandbox.pending_invoke import PendingInvoke


class MemorySource(Protocol):
    memory: PeakMemory


class InvocationLog:
    """Prints an invocation's lines on the console and answers its caller in the right order."""

    def __init__(self, console: Console, config: EmulatorConfig) -> None:
        self._console = console
        self._config = config
        self._executed_version = ("X-Amz-Executed-Version", config.function_version)
        self._held: PendingInvoke | None = None

    def start(self, invocation: PendingInvoke) -> None:
        """Print START (once per invocation) and begin its log tail if the caller wants it."""
        if not invocation.started:
            invocation.started = True
            if invocation.capture_log:
                self._console.start_capture(invocation)
            self._console.line(start_line(invocation.request_id, self._config.function_version))

    def snapshot_taken(self, init_ms: float) -> None:
        """SnapStart: the init a version publish runs is over (its REPORTs will not carry it)."""
        self._console.line(init_report_line(init_ms))

    def hold_answer(self, invocation: PendingInvoke, answer: HttpResponse) -> bool:
        """Keep the caller's answer; True if it goes out at the next ``answer_caller``."""
        invocation.caller_answer = answer
        if invocation.capture_log:
            return False  # it waits for the log tail, i.e. for ``finish``
        self.answer_caller()
        self._held = invocation
        return True

    def answer_caller(self) -> None:
        """Send the held answer, if any (idempotent: cheap to call before anything else)."""
        invocation, self._held = self._held, None
        if invocation is not None:
            self._resolve(invocation, ())

    def finish(
        self,
        invocation: PendingInvoke,
        duration_ms: float,
        init_ms: float | None,
        memory_source: MemorySource | None,
        restore_ms: float | None = None,
    ) -> None:
        """Print END and REPORT; answer a caller that waited for the log tail."""
        self.answer_caller()
        peak_kib = memory_source.memory.sample() if memory_source is not None else 0
        report = InvocationReport(
            invocation.request_id,
            min(duration_ms, self._config.timeout_s * 1000),
            self._config.memory_mb,
            kib_to_mb(peak_kib),
            init_ms,
            restore_ms,
        )
        lines = f"{end_line(invocation.request_id)}\n{report.line()}"
        if self._config.response_lines and invocation.responded_at is not None:
            assert invocation.delivered_at is not None
            response_ms = (invocation.responded_at - invocation.delivered_at) * 1000
            lines += "\n" + response_line(invocation.request_id, response_ms)
        self._console.line(lines)
        if invocation.capture_log:
            tail = self._console.stop_capture(invocation)
            self._resolve(invocation, (rie_responses.log_result(tail),))

    def _resolve(self, invocation: PendingInvoke, extra: tuple[tuple[str, str], ...]) -> None:
        answer = invocation.caller_answer
        if answer is None:
            return
        invocation.caller_answer = None
        if invocation.streaming_caller is not None:
            invocation.streaming_caller.complete(answer, extra)
            return
        headers = (*answer.headers, self._executed_version, *extra)
        invocation.answer.resolve(HttpResponse(answer.status, answer.body, headers))
