"""The execution environment: one runtime process fed one invocation at a time, in order.

Everything here runs on the event loop, driven by events: an invoke arrives, the runtime calls
``/next``, posts a response or an error, posts ``/init/error``, exits, or a deadline passes.
Each event moves ``Phase`` and then ``_pump`` starts whatever can start next. Keeping it a plain
state machine (no task per invocation) makes the RIE's state checks explicit and keeps the
per-invoke cost to a few callbacks.
"""

from __future__ import annotations

import asyncio
import enum
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping

from lambdaflow.emulator import rie_responses
from lambdaflow.emulator.config import EmulatorConfig, runtime_environment
from lambdaflow.emulator.console import Console
from lambdaflow.emulator.extensions import ExtensionRegistry
from lambdaflow.emulator.http11 import Deferred
from lambdaflow.emulator.http_messages import HttpResponse
from lambdaflow.emulator.invocation_log import InvocationLog
from lambdaflow.emulator.pending_invoke import PendingInvoke
from lambdaflow.emulator.process import RuntimeProcess, exit_reason
from lambdaflow.limits import MAX_RESPONSE_BYTES

SHUTDOWN_GRACE_S = 0.5
_RESPONSE_MODE = "lambda-runtime-function-response-mode"
_STREAM_ERROR_TYPE = "lambda-runtime-function-error-type"  # a trailer of a streamed response
_STREAM_ERROR_BODY = "lambda-runtime-function-error-body"


class Phase(enum.Enum):
    """Where the runtime is; values are the state names used in InvalidStateTransition."""

    STOPPED = "Stopped"
    INITIALIZING = "Started"
    INIT_FAILED = "InitError"
    IDLE = "Ready"
    BUSY = "Running"
    RESPONDED = "RuntimeResponseSentState"


class Sandbox:
    """Queue of invocations plus the lifecycle of the runtime process that serves them."""

    def __init__(self, config: EmulatorConfig, console: Console, environ: dict[str, str]) -> None:
        self._config = config
        self._console = console
        self._log = InvocationLog(console, config)
        self._environ = environ
        self.runtime_api = ""
        self.extensions = ExtensionRegistry(
            config.function_name, config.function_version, config.handler
        )
        self._loop = asyncio.get_running_loop()
        self._queue: deque[PendingInvoke] = deque()
        self._phase = Phase.STOPPED
        self._process: RuntimeProcess | None = None
        self._memory_source: RuntimeProcess | None = None
        self._current: PendingInvoke | None = None
        self._parked_next: Deferred | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._init_error = b""
        self._pending_init_ms: float | None = None
        self._last_answered_id = ""
        #: The invocation the runtime answered, settled on the loop's next turn (see
        #: _answer_current), or sooner by anything that would print the next START.
        self._unsettled: tuple[PendingInvoke, HttpResponse, float] | None = None
        self._closing = False

    # -- invoke side -------------------------------------------------------------------------

    def submit(self, invocation: PendingInvoke) -> None:
        """Queue an invocation; it is served after every invocation that arrived before it."""
        self._queue.append(invocation)
        self._pump()
        self._watch_for_stall()

    def start_eagerly(self) -> None:
        """Start the runtime now rather than on the first invoke."""
        if self._phase is Phase.STOPPED:
            self._spawn()

    # -- Runtime API side ---------------------------------------------------------------------

    def next_invocation(self) -> HttpResponse | Deferred:
        """GET /runtime/invocation/next: park the runtime until an invocation is queued."""
        self._settle_answered()
        phase = self._phase
        if phase in (Phase.INIT_FAILED, Phase.BUSY, Phase.STOPPED):
            return rie_responses.invalid_state_transition(phase.value, Phase.IDLE.value)
        if phase is Phase.INITIALIZING:
            self._cancel_timer()
            self._init_finished()
        if self._parked_next is not None:
            self._parked_next.cancel()  # the latest /next wins: a runtime may have re-polled
        parked = self._parked_next = Deferred()
        parked.on_abandoned = lambda: self._forget_parked(parked)
        self._phase = Phase.IDLE
        self._pump()
        return parked

    def post_response(
        self, request_id: str, body: bytes, headers: Mapping[str, str]
    ) -> HttpResponse:
        """POST /runtime/invocation/{id}/response, buffered or streamed (delivered whole)."""
        refusal = self._check_answer(request_id, "InvocationResponse")
        if refusal is not None:
            return refusal
        if len(body) > MAX_RESPONSE_BYTES:
            answer = rie_responses.response_too_large(len(body))
            return self._answer_current(answer, rie_responses.payload_too_large())
        error_type = headers.get(_STREAM_ERROR_TYPE)
        if headers.get(_RESPONSE_MODE) == "streaming" and error_type:
            answer = rie_responses.streamed_error(error_type, headers.get(_STREAM_ERROR_BODY, ""))
            return self._answer_current(answer, rie_responses.ACCEPTED)
        return self._answer_current(rie_responses.caller_payload(body), rie_responses.ACCEPTED)

    def post_error(self, request_id: str, body: bytes) -> HttpResponse:
        """POST /runtime/invocation/{id}/error: the caller gets the body as a function error."""
        refusal = self._check_answer(request_id, "InvocationErrorResponse")
        if refusal is not None:
            return refusal
        answer = rie_responses.caller_payload(body, function_error=True)
        return self._answer_current(answer, rie_responses.ACCEPTED)

    def post_init_error(self, body: bytes) -> HttpResponse:
        """POST /runtime/init/error: reported once the runtime exits (or the init timer fires)."""
        if self._phase is not Phase.INITIALIZING:
            return rie_responses.invalid_state_transition(self._phase.value, "InitError")
        self._init_error = body
        self._init_finished()
        self._phase = Phase.INIT_FAILED
        return rie_responses.ACCEPTED

    # -- shutdown ----------------------------------------------------------------------------

    async def shutdown(self) -> None:
        """Stop the runtime as Lambda does: SIGTERM and a grace period only if it asked."""
        self._settle_answered()
        self._closing = True
        process = self._process
        if process is not None:
            if self.extensions.any_registered:
                self.extensions.announce_shutdown(SHUTDOWN_GRACE_S)
                process.terminate()
                await process.wait(SHUTDOWN_GRACE_S)
            process.kill()
            await process.wait(2.0)
        self._cancel_timer()
        for invocation in (self._current, *self._queue):
            if invocation is not None:
                invocation.answer.cancel()
        self._queue.clear()

    # -- internals ---------------------------------------------------------------------------

    def _pump(self) -> None:
        self._settle_answered()
        if self._closing or not self._queue:
            return
        if self._phase is Phase.STOPPED:
            self._log.start(self._queue[0])
            self._spawn()
        elif self._phase is Phase.IDLE:
            invocation = self._queue.popleft()
            self._deliver(invocation)
            self._log.start(
                invocation
            )  # after the event is sent: the runtime's lines pass us anyway

    def _spawn(self) -> None:
        env = runtime_environment(self._config, self.runtime_api, self._environ)
        try:
            process = RuntimeProcess(
                self._config.command, env, self._console.runtime_output, self._on_exit
            )
        except OSError as error:
            print(f"lambdaflow.emulator: cannot start the runtime: {error}", file=sys.stderr)
            self._fail_head(rie_responses.INIT_CRASHED)
            self._loop.call_soon(self._pump)  # the next queued invoke tries again
            return
        self._process = self._memory_source = process
        self._phase = Phase.INITIALIZING
        self._init_error = b""
        self._start_timer(self._on_init_timeout, process)

    def _init_finished(self) -> None:
        process = self._process
        assert process is not None
        self._pending_init_ms = (time.perf_counter() - process.spawned_at) * 1000
        process.memory.sample()

    def _deliver(self, invocation: PendingInvoke) -> None:
        parked = self._parked_next
        assert parked is not None
        self._parked_next = None
        deadline_ms = int((time.time() + self._config.timeout_s) * 1000)
        event = invocation.as_next_response(deadline_ms, self._config.function_arn)
        self._current = invocation  # only once the event is built: a failure leaves no trace
        self._phase = Phase.BUSY
        invocation.delivered_at = time.perf_counter()
        self._start_timer(self._on_invoke_timeout, self._process)
        parked.resolve(event)

    def _forget_parked(self, parked: Deferred) -> None:
        """The runtime hung up its ``/next``: deliver nothing there; wait for it to ask again."""
        if parked is self._parked_next:
            self._parked_next = None
            self._phase = Phase.RESPONDED
            self._watch_for_stall()

    def _check_answer(self, request_id: str, target_state: str) -> HttpResponse | None:
        current = self._current
        if self._phase is Phase.BUSY and current is not None and current.request_id == request_id:
            return None
        if request_id == self._last_answered_id:
            return rie_responses.invalid_state_transition(Phase.RESPONDED.value, target_state)
        return rie_responses.invalid_request_id()

    def _answer_current(self, answer: HttpResponse, to_runtime: HttpResponse) -> HttpResponse:
        """Settle the invocation the runtime answered; return ``to_runtime``, its reply.

        The runtime's reply goes out first; settling (the caller's answer, END/REPORT, the
        memory sample) runs on the loop's next turn, before anything the runtime sends next.
        Measured: a runtime back from a 20 ms handler otherwise waited ~0.35 ms longer for its
        202, which its own metrics rightly charge to posting. Duration still ends now.
        """
        invocation = self._take_current()
        assert invocation is not None
        self._phase = Phase.RESPONDED
        self._cancel_timer()
        self._last_answered_id = invocation.request_id
        self._unsettled = (invocation, answer, time.perf_counter())
        self._loop.call_soon(self._settle_answered)
        self._watch_for_stall()
        return to_runtime

    def _settle_answered(self) -> None:
        """Settle the invocation the runtime last answered, once. Touches no timer or phase:
        by now they may belong to the next invocation (a runtime can pipeline /next)."""
        unsettled, self._unsettled = self._unsettled, None
        if unsettled is not None:
            self._settle(*unsettled)

    def _watch_for_stall(self) -> None:
        """Invocations queued behind a runtime that answered but does not ask for the next
        event still time out: Lambda's deadline runs from the invoke, not from /next."""
        if self._phase is Phase.RESPONDED and self._queue and self._timer is None:
            self._start_timer(self._on_stall_timeout, self._process)

    def _take_current(self) -> PendingInvoke | None:
        invocation, self._current = self._current, None
        return invocation

    def _fail_head(self, answer: HttpResponse) -> None:
        if self._queue:
            invocation = self._queue.popleft()
            self._log.start(invocation)
            self._finish(invocation, answer)

    def _finish(self, invocation: PendingInvoke, answer: HttpResponse) -> None:
        self._cancel_timer()
        self._last_answered_id = invocation.request_id
        self._settle(invocation, answer, time.perf_counter())

    def _settle(self, invocation: PendingInvoke, answer: HttpResponse, ended: float) -> None:
        """Answer the caller and print END/REPORT, Duration ending at `ended`."""
        served_since = invocation.delivered_at
        duration_ms = 0.0 if served_since is None else (ended - served_since) * 1000
        init_ms, self._pending_init_ms = self._pending_init_ms, None
        if self._process is not None:
            self._process.drain_output()  # lines printed before the answer come before END
        self._log.finish(invocation, answer, duration_ms, init_ms, self._memory_source)

    def _on_exit(self, process: RuntimeProcess, returncode: int) -> None:
        self._settle_answered()
        if process is not self._process:
            return
        phase = self._phase
        if phase is Phase.INITIALIZING:
            self._pending_init_ms = (time.perf_counter() - process.spawned_at) * 1000
        self._detach()
        if phase is Phase.INITIALIZING:
            self._fail_head(rie_responses.INIT_CRASHED)
        elif phase is Phase.INIT_FAILED:
            self._fail_head(rie_responses.init_error(self._init_error))
        elif (invocation := self._take_current()) is not None:
            reason = exit_reason(returncode)
            self._finish(
                invocation, rie_responses.runtime_exit_error(invocation.request_id, reason)
            )
        self._pump()

    def _on_init_timeout(self, process: RuntimeProcess) -> None:
        if process is not self._process:
            return
        failed_with = self._init_error if self._phase is Phase.INIT_FAILED else None
        self._pending_init_ms = self._config.timeout_s * 1000
        process.kill()
        self._detach()
        if failed_with is not None:
            self._fail_head(rie_responses.init_error(failed_with))
        else:
            self._fail_head(rie_responses.timed_out(self._config.timeout_s))
        self._pump()

    def _on_invoke_timeout(self, process: RuntimeProcess) -> None:
        if process is not self._process:
            return
        process.kill()
        self._detach()
        invocation = self._take_current()
        if invocation is not None:
            self._finish(invocation, rie_responses.timed_out(self._config.timeout_s))
        self._pump()

    def _on_stall_timeout(self, process: RuntimeProcess) -> None:
        if process is not self._process or self._phase is not Phase.RESPONDED:
            return
        process.kill()
        self._detach()
        self._fail_head(rie_responses.timed_out(self._config.timeout_s))
        self._pump()

    def _detach(self) -> None:
        """Forget the current process: the next invocation starts a fresh one."""
        self._cancel_timer()
        self._process = None
        self._phase = Phase.STOPPED
        if self._parked_next is not None:
            self._parked_next.cancel()
            self._parked_next = None
        self.extensions.forget()

    def _start_timer(
        self, callback: Callable[[RuntimeProcess], None], process: RuntimeProcess | None
    ) -> None:
        self._cancel_timer()
        self._timer = self._loop.call_later(self._config.timeout_s, callback, process)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
