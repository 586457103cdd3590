"""The execution environment: one runtime process fed one invocation at a time, in order.

Everything here runs on the event loop, driven by events: an invoke arrives, the runtime calls
``/next``, posts a response or an error, posts ``/init/error``, exits, or a deadline passes.
Which event is allowed in which phase is the table in ``sandbox_states``; this class carries
out the side effects and then ``_pump`` starts whatever can start next. No task per invocation:
the per-invoke cost stays a few callbacks.

Duration is billed as Lambda bills it: from handing the event to the runtime until the
runtime's next ``/next`` (or its exit, or the deadline). The caller gets its answer when the
response arrives (with ``X-Amz-Log-Type: Tail``, once the invocation's log is complete).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from lambdaflow.emulator import rie_responses
from lambdaflow.emulator.config import EmulatorConfig, runtime_environment
from lambdaflow.emulator.console import Console
from lambdaflow.emulator.extensions import ExtensionRegistry
from lambdaflow.emulator.http11 import BodySink, Deferred
from lambdaflow.emulator.http_messages import HttpResponse
from lambdaflow.emulator.invocation_log import InvocationLog, MemorySource
from lambdaflow.emulator.pending_invoke import PendingInvoke
from lambdaflow.emulator.process import RuntimeProcess, exit_reason
from lambdaflow.emulator.response_relay import ERROR_TYPE_TRAILER, RelayedResponse, outcome
from lambdaflow.emulator.sandbox_states import Event, Phase, transition
from lambdaflow.emulator.scheduling import Clock, Deadline, InvokeQueue
from lambdaflow.limits import MAX_RESPONSE_BYTES

SHUTDOWN_GRACE_S = 0.5


class ManagedProcess(MemorySource, Protocol):
    """What the Sandbox needs of a runtime process (``RuntimeProcess``, or a test's fake)."""

    spawned_at: float

    def drain_output(self) -> None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...
    async def wait(self, timeout_s: float) -> bool: ...


Spawn = Callable[
    [Sequence[str], Mapping[str, str], Callable[[bytes], None], Callable[..., None]],
    ManagedProcess,
]


class Sandbox:
    """Queue of invocations plus the lifecycle of the runtime process that serves them."""

    def __init__(
        self,
        config: EmulatorConfig,
        console: Console,
        environ: dict[str, str],
        clock: Clock,
        spawn: Spawn = RuntimeProcess,
    ) -> None:
        self._config = config
        self._console = console
        self._log = InvocationLog(console, config)
        self._environ = environ
        self._clock = clock
        self._spawn_process = spawn
        self.runtime_api = ""
        self.extensions = ExtensionRegistry(
            config.function_name, config.function_version, config.handler
        )
        self._queue: InvokeQueue[PendingInvoke] = InvokeQueue()
        self._deadline = Deadline(clock)
        self.phase = Phase.STOPPED
        self._process: ManagedProcess | None = None
        self._memory_source: ManagedProcess | None = None
        self._current: PendingInvoke | None = None
        self._parked_next: Deferred | None = None
        self._init_error = b""
        self._pending_init_ms: float | None = None
        self._last_answered_id = ""
        self._closing = False

    # -- invoke side -------------------------------------------------------------------------

    def submit(self, invocation: PendingInvoke) -> None:
        """Queue an invocation; it is served after every invocation that arrived before it."""
        self._queue.push(invocation)
        self._pump()
        self._watch_queue()

    def start_eagerly(self) -> None:
        """Start the runtime now rather than on the first invoke."""
        if self.phase is Phase.STOPPED:
            self._spawn()

    # -- Runtime API side ---------------------------------------------------------------------

    def next_invocation(self) -> HttpResponse | Deferred:
        """GET /runtime/invocation/next: end the previous invocation, park until the next."""
        phase = self.phase
        if not self._move(Event.NEXT):
            return rie_responses.invalid_state_transition(phase.value, Event.NEXT.value)
        if phase is Phase.INITIALIZING:
            self._deadline.cancel()
            self._init_finished()
        elif phase is Phase.RESPONDED:
            self._deadline.cancel()
            self._end_current(self._clock.now())
        if self._parked_next is not None:
            self._parked_next.cancel()  # the latest /next wins: a runtime may have re-polled
        parked = self._parked_next = Deferred()
        parked.on_abandoned = lambda: self._forget_parked(parked)
        self._pump()
        return parked

    def post_response(
        self, request_id: str, body: bytes, trailers: Mapping[str, str], streaming: bool
    ) -> HttpResponse:
        """POST /runtime/invocation/{id}/response, buffered or streamed (delivered whole)."""
        refusal = self._check_answer(request_id, Event.RESPONSE)
        if refusal is not None:
            return refusal
        if len(body) > MAX_RESPONSE_BYTES:
            return self._refuse_too_large(len(body))
        if streaming and trailers.get(ERROR_TYPE_TRAILER):
            return self._answered(outcome(trailers), rie_responses.ACCEPTED)
        return self._answered(rie_responses.caller_payload(body), rie_responses.ACCEPTED)

    def open_stream(
        self, request_id: str, content_type: str, flow: Callable[[bool], None]
    ) -> BodySink | None:
        """A streamed /response began: relay it to a caller that streams (None: read it whole,
        for the classic invoke, or to refuse it as ``post_response`` does)."""
        current = self._current
        if (
            self.phase is not Phase.BUSY
            or current is None
            or current.request_id != request_id
            or current.streaming_caller is None
        ):
            return None
        self._move(Event.STREAM)
        caller = current.streaming_caller
        caller.flow = flow
        caller.begin(content_type)
        return RelayedResponse(
            caller, lambda answer, reply: self._stream_ended(current, answer, reply)
        )

    def post_error(self, request_id: str, body: bytes) -> HttpResponse:
        """POST /runtime/invocation/{id}/error: the caller gets the body as a function error."""
        refusal = self._check_answer(request_id, Event.ERROR)
        if refusal is not None:
            return refusal
        if len(body) > MAX_RESPONSE_BYTES:  # the RIE drops the runtime's connection instead
            return self._refuse_too_large(len(body))
        return self._answered(rie_responses.function_error(body), rie_responses.ACCEPTED)

    def post_init_error(self, body: bytes) -> HttpResponse:
        """POST /runtime/init/error: reported once the runtime exits (or the init timer fires)."""
        phase = self.phase
        if not self._move(Event.INIT_ERROR):
            return rie_responses.invalid_state_transition(phase.value, Event.INIT_ERROR.value)
        self._init_error = body
        self._init_finished()
        return rie_responses.ACCEPTED

    # -- shutdown ----------------------------------------------------------------------------

    async def shutdown(self) -> None:
        """Stop the runtime as Lambda does: SIGTERM and a grace period only if it asked."""
        self._log.answer_caller()
        self._closing = True
        process = self._process
        if process is not None:
            if self.extensions.any_registered:
                self.extensions.announce_shutdown(SHUTDOWN_GRACE_S)
                process.terminate()
                await process.wait(SHUTDOWN_GRACE_S)
            process.kill()
            await process.wait(2.0)
        self._deadline.cancel()
        for invocation in (self._current, *self._queue):
            if invocation is not None:
                invocation.answer.cancel()
        self._queue.clear()

    # -- internals ---------------------------------------------------------------------------

    def _move(self, event: Event) -> bool:
        """Take ``event`` if the table allows it in the current phase."""
        after = transition(self.phase, event)
        if after is None:
            return False
        self.phase = after
        return True

    def _pump(self) -> None:
        if self._closing or not self._queue:
            return
        if self.phase is Phase.STOPPED:
            self._log.start(self._queue.head())
            self._spawn()
        elif self.phase is Phase.IDLE and self._parked_next is not None:
            invocation = self._queue.pop()
            self._deliver(invocation)
            self._log.start(invocation)  # after the event is sent: the runtime's lines pass us

    def _spawn(self) -> None:
        env = runtime_environment(self._config, self.runtime_api, self._environ)
        try:
            process = self._spawn_process(
                self._config.command, env, self._console.runtime_output, self._on_exit
            )
        except OSError as error:
            print(f"lambdaflow.emulator: cannot start the runtime: {error}", file=sys.stderr)
            self._fail_head(rie_responses.INIT_CRASHED)
            self._clock.call_soon(self._pump)  # the next queued invoke tries again
            return
        self._process = self._memory_source = process
        self._move(Event.SPAWN)
        self._init_error = b""
        self._deadline.start(self._config.timeout_s, self._on_init_timeout, process)

    def _init_finished(self) -> None:
        process = self._process
        assert process is not None
        self._pending_init_ms = (self._clock.now() - process.spawned_at) * 1000
        process.memory.sample()

    def _deliver(self, invocation: PendingInvoke) -> None:
        parked = self._parked_next
        assert parked is not None
        deadline_ms = int((self._clock.wall() + self._config.timeout_s) * 1000)
        event = invocation.as_next_response(deadline_ms, self._config.function_arn)
        self._parked_next = None  # only once the event is built: a failure leaves no trace
        self._current = invocation
        self._move(Event.DELIVER)
        invocation.delivered_at = self._clock.now()
        self._deadline.start(self._config.timeout_s, self._on_invoke_timeout, self._process)
        parked.resolve(event)

    def _forget_parked(self, parked: Deferred) -> None:
        """The runtime hung up its ``/next``: deliver nothing there; wait for it to ask again."""
        if parked is self._parked_next:
            self._parked_next = None
            self._move(Event.NEXT_ABANDONED)
            self._watch_queue()

    def _check_answer(self, request_id: str, event: Event) -> HttpResponse | None:
        current = self._current
        if self.phase is Phase.BUSY and current is not None and current.request_id == request_id:
            return None
        streaming = self.phase is Phase.STREAMING and current is not None
        if streaming and current.request_id == request_id:  # a second answer mid-stream
            return rie_responses.invalid_state_transition(self.phase.value, event.value)
        if request_id == self._last_answered_id:
            return rie_responses.invalid_state_transition(Phase.RESPONDED.value, event.value)
        return rie_responses.invalid_request_id()

    def _answered(self, answer: HttpResponse, to_runtime: HttpResponse) -> HttpResponse:
        """The runtime answered the current invocation; return ``to_runtime``, its reply.

        The runtime's reply goes out first; the caller's answer follows on the loop's next turn
        (or sooner, before anything the runtime sends next). Measured: a runtime back from a
        20 ms handler otherwise waited ~0.35 ms longer for its 202, which its own metrics
        rightly charge to posting. The invocation's deadline keeps running until ``/next``.
        """
        invocation = self._current
        assert invocation is not None
        self._move(Event.RESPONSE)
        invocation.responded_at = self._clock.now()
        self._last_answered_id = invocation.request_id
        if self._log.hold_answer(invocation, answer):
            self._clock.call_soon(self._log.answer_caller)
        return to_runtime

    def _stream_ended(
        self, invocation: PendingInvoke, answer: HttpResponse, to_runtime: HttpResponse
    ) -> HttpResponse:
        """A relayed stream ended; the invocation may have ended first (deadline, exit)."""
        if invocation is not self._current or self.phase is not Phase.STREAMING:
            return to_runtime
        return self._answered(answer, to_runtime)

    def _refuse_too_large(self, size: int) -> HttpResponse:
        """An answer over Lambda's limit: 413 to the runtime, a function error to the caller."""
        return self._answered(
            rie_responses.response_too_large(size), rie_responses.payload_too_large()
        )

    def _watch_queue(self) -> None:
        """Invokes queued behind a runtime that dropped its ``/next`` and never asks again
        still time out: Lambda's deadline runs from the invoke, not from the runtime's call."""
        if (
            self.phase is Phase.RESPONDED
            and self._current is None
            and self._queue
            and not self._deadline.active
        ):
            self._deadline.start(self._config.timeout_s, self._on_queue_stalled, self._process)

    def _end_current(self, ended: float) -> None:
        """The current invocation is over: print END/REPORT with Duration up to ``ended``."""
        invocation, self._current = self._current, None
        if invocation is not None:
            self._report(invocation, ended)

    def _fail_head(self, answer: HttpResponse) -> None:
        if self._queue:
            invocation = self._queue.pop()
            self._log.start(invocation)
            self._finish(invocation, answer)

    def _finish(self, invocation: PendingInvoke, answer: HttpResponse) -> None:
        """End an invocation the runtime never answered: the caller gets ``answer``."""
        self._last_answered_id = invocation.request_id
        self._log.hold_answer(invocation, answer)
        self._report(invocation, self._clock.now())

    def _report(self, invocation: PendingInvoke, ended: float) -> None:
        delivered = invocation.delivered_at
        duration_ms = 0.0 if delivered is None else (ended - delivered) * 1000
        init_ms, self._pending_init_ms = self._pending_init_ms, None
        if self._process is not None:
            self._process.drain_output()  # lines printed before the end come before END
        self._log.finish(invocation, duration_ms, init_ms, self._memory_source)

    def _on_exit(self, process: ManagedProcess, returncode: int) -> None:
        if process is not self._process:
            return
        phase = self.phase
        now = self._clock.now()
        if phase is Phase.INITIALIZING:
            self._pending_init_ms = (now - process.spawned_at) * 1000
        current = self._current
        self._detach(Event.EXIT)
        if phase is Phase.INITIALIZING:
            self._fail_head(rie_responses.INIT_CRASHED)
        elif phase is Phase.INIT_FAILED:
            self._fail_head(rie_responses.init_error(self._init_error))
        elif phase is Phase.RESPONDED:
            self._end_current(now)
        elif current is not None:
            self._current = None
            reason = exit_reason(returncode)
            self._finish(current, rie_responses.runtime_exit_error(current.request_id, reason))
        self._pump()

    def _on_init_timeout(self, process: ManagedProcess) -> None:
        if process is not self._process:
            return
        failed_with = self._init_error if self.phase is Phase.INIT_FAILED else None
        self._pending_init_ms = self._config.timeout_s * 1000
        process.kill()
        self._detach(Event.TIMEOUT)
        if failed_with is not None:
            self._fail_head(rie_responses.init_error(failed_with))
        else:
            self._fail_head(rie_responses.timed_out(self._config.timeout_s))
        self._pump()

    def _on_invoke_timeout(self, process: ManagedProcess | None) -> None:
        """The invocation's deadline passed, answered or not: the runtime is killed."""
        if process is not self._process or process is None:
            return
        answered = self.phase is Phase.RESPONDED
        process.kill()
        current, self._current = self._current, None
        self._detach(Event.TIMEOUT)
        if current is not None:
            ended = (current.delivered_at or self._clock.now()) + self._config.timeout_s
            if not answered:
                self._log.hold_answer(current, rie_responses.timed_out(self._config.timeout_s))
            self._report(current, ended)
        self._pump()

    def _on_queue_stalled(self, process: ManagedProcess | None) -> None:
        if process is not self._process or process is None or self._current is not None:
            return
        process.kill()
        self._detach(Event.TIMEOUT)
        self._fail_head(rie_responses.timed_out(self._config.timeout_s))
        self._pump()

    def _detach(self, event: Event) -> None:
        """Forget the current process: the next invocation starts a fresh one."""
        self._deadline.cancel()
        self._process = None
        self._move(event)
        if self._parked_next is not None:
            self._parked_next.cancel()
            self._parked_next = None
        self.extensions.forget()
