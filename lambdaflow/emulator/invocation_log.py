"""START, END and REPORT lines for each invocation, and the log tail a caller may ask for.

Separate from the lifecycle in ``sandbox`` because what is printed (and measured for the
REPORT) is one concern and when the runtime moves is another.
"""

from __future__ import annotations

from lambdaflow.emulator import rie_responses
from lambdaflow.emulator.config import EmulatorConfig
from lambdaflow.emulator.console import Console
from lambdaflow.emulator.http_messages import HttpResponse
from lambdaflow.emulator.memory import kib_to_mb
from lambdaflow.emulator.pending_invoke import PendingInvoke
from lambdaflow.emulator.process import RuntimeProcess
from lambdaflow.emulator.report import Report, end_line, start_line


class InvocationLog:
    """Prints an invocation's lines on the console and answers its caller in the right order."""

    def __init__(self, console: Console, config: EmulatorConfig) -> None:
        self._console = console
        self._config = config

    def start(self, invocation: PendingInvoke) -> None:
        """Print START (once per invocation) and begin its log tail if the caller wants it."""
        if not invocation.started:
            invocation.started = True
            if invocation.capture_log:
                self._console.start_capture()
            self._console.line(start_line(invocation.request_id, self._config.function_version))

    def finish(
        self,
        invocation: PendingInvoke,
        answer: HttpResponse,
        duration_ms: float,
        init_ms: float | None,
        memory_source: RuntimeProcess | None,
    ) -> None:
        """Answer the caller, then print END and REPORT (first, when it wants the log tail)."""
        if invocation.capture_log:
            self._report(invocation.request_id, duration_ms, init_ms, memory_source)
            tail = self._console.stop_capture()
            invocation.answer.resolve(rie_responses.with_log_tail(answer, tail))
        else:
            invocation.answer.resolve(answer)
            self._report(invocation.request_id, duration_ms, init_ms, memory_source)

    def _report(
        self,
        request_id: str,
        duration_ms: float,
        init_ms: float | None,
        memory_source: RuntimeProcess | None,
    ) -> None:
        peak_kib = memory_source.memory.sample() if memory_source is not None else 0
        report = Report(
            request_id,
            min(duration_ms, self._config.timeout_s * 1000),
            self._config.memory_mb,
            kib_to_mb(peak_kib),
            init_ms,
        )
        self._console.line(f"{end_line(request_id)}\n{report.line()}")
