"""The execution environment: one runtime process fed invocations in arrival order.

Everything here runs on the event loop, driven by events: an invoke arrives, the runtime calls
``/next``, posts a response or an error, posts ``/init/error``, exits, or a deadline passes.
Which event is allowed in which phase is the table in ``states``; this class carries
out the side effects and then ``_pump`` starts whatever can start next. No task per invocation:
the per-invoke cost stays a few callbacks.

A runtime holds one Runtime API conversation (one invocation at a time), or in Managed
Instances mode (``max_concurrency`` N > 1) up to N, one per connection, each with its own
deadline; a deadline passing there ends that invocation only, since the other invocations
run in the same process (``Event.EXPIRE``). The process (spawn, init, exit) is shared.

Duration is billed as Lambda bills it: from handing the event to the runtime until the
runtime's next ``/next`` (or its exit, or the deadline). The caller gets its answer when the
response arrives (with ``X-Amz-Log-Type: Tail``, once the invocation's log is complete).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from lambdaflow.emulator.config import EmulatorConfig, runtime_environment
from lambdaflow.emulator.http.capped_body import Oversized, Posted
from lambdaflow.emulator.http.http11 import BodySink, Deferred
from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.emulator.output.console import Console
from lambdaflow.emulator.output.invocation_log import InvocationLog, MemorySource
from lambdaflow.emulator.routes import rie_responses
from lambdaflow.emulator.routes.extensions import ExtensionRegistry
from lambdaflow.emulator.routes.response_relay import ERROR_TYPE_TRAILER, RelayedResponse, outcome
from lambdaflow.emulator.sandbox.conversation import Conversation, RuntimeConnection
from lambdaflow.emulator.sandbox.pending_invoke import PendingInvoke
from lambdaflow.emulator.sandbox.process import RuntimeProcess, exit_reason
from lambdaflow.emulator.sandbox.scheduling import Clock, Deadline, InvokeQueue
from lambdaflow.emulator.sandbox.states import Event, Phase, transition
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
        self._slots = [Conversation(Deadline(clock)) for _ in range(config.max_concurrency)]
        self._concurrent = len(self._slots) > 1
        self._init_deadline = Deadline(clock)
        self._stall_deadline = Deadline(clock)
        self._process: ManagedProcess | None = None
        self._memory_source: ManagedProcess | None = None
        self._ready = False  # a conversation has finished init since the last spawn
        self._init_error = b""
        self._pending_init_ms: float | None = None
        self._held_restore: Deferred | None = None  # SnapStart: restore/next, the "snapshot"
        self._restore_started = 0.0
        self._pending_restore_ms: float | None = None
        self._closing = False

    @property
    def phase(self) -> Phase:
        """The (first) conversation's phase: the runtime's, when it holds one."""
        return self._slots[0].phase

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

    def next_invocation(
        self, connection: RuntimeConnection | None = None
    ) -> HttpResponse | Deferred:
        """GET /runtime/invocation/next: end the previous invocation, park until the next."""
        slot = self._slot_for(connection)
        if slot is None:  # more concurrent /next than conversations
            return rie_responses.invalid_state_transition(Phase.BUSY.value, Event.NEXT.value)
        phase = slot.phase
        if not self._move(slot, Event.NEXT):
            return rie_responses.invalid_state_transition(phase.value, Event.NEXT.value)
        if phase is Phase.INITIALIZING and not self._ready:
            self._ready = True
            self._init_deadline.cancel()
            self._init_finished()
        elif phase is Phase.RESTORING:
            self._ready = True
            self._init_deadline.cancel()
            self._pending_restore_ms = (self._clock.now() - self._restore_started) * 1000
        elif phase is Phase.RESPONDED:
            slot.deadline.cancel()
            self._end_current(slot, self._clock.now())
        if slot.parked_next is not None:
            slot.parked_next.cancel()  # the latest /next wins: a runtime may have re-polled
        parked = slot.parked_next = Deferred()
        parked.on_abandoned = lambda: self._forget_parked(slot, parked)
        self._pump()
        return parked

    def post_response(
        self, request_id: str, body: Posted, trailers: Mapping[str, str], streaming: bool
    ) -> HttpResponse:
        """POST /runtime/invocation/{id}/response, buffered or streamed (delivered whole)."""
        slot, refusal = self._check_answer(request_id, Event.RESPONSE)
        if slot is None:
            return refusal
        if isinstance(body, Oversized) or len(body) > MAX_RESPONSE_BYTES:
            return self._refuse_too_large(slot, _size(body))
        if streaming and trailers.get(ERROR_TYPE_TRAILER):
            return self._answered(slot, outcome(trailers), rie_responses.ACCEPTED)
        return self._answered(slot, rie_responses.caller_payload(body), rie_responses.ACCEPTED)

    def open_stream(
        self, request_id: str, content_type: str, flow: Callable[[bool], None]
    ) -> BodySink | None:
        """A streamed /response began: relay it to a caller that streams (None: read it whole,
        for the classic invoke, or to refuse it as ``post_response`` does)."""
        slot = self._serving(request_id)
        current = None if slot is None else slot.current
        if slot is None or current is None or current.streaming_caller is None:
            return None
        self._move(slot, Event.STREAM)
        caller = current.streaming_caller
        caller.flow = flow
        caller.begin(content_type)
        return RelayedResponse(
            caller, lambda answer, reply: self._stream_ended(slot, current, answer, reply)
        )

    def post_error(self, request_id: str, body: Posted) -> HttpResponse:
        """POST /runtime/invocation/{id}/error: the caller gets the body as a function error."""
        slot, refusal = self._check_answer(request_id, Event.ERROR)
        if slot is None:
            return refusal
        # the RIE drops the runtime's connection instead
        if isinstance(body, Oversized) or len(body) > MAX_RESPONSE_BYTES:
            return self._refuse_too_large(slot, _size(body))
        return self._answered(slot, rie_responses.function_error(body), rie_responses.ACCEPTED)

    def post_init_error(self, body: Posted) -> HttpResponse:
        """POST /runtime/init/error: reported once the runtime exits (or the init timer fires);
        one over Lambda's limit still fails the init, reported as too large."""
        phase = self.phase
        if self._ready or transition(phase, Event.INIT_ERROR) is None:
            return rie_responses.invalid_state_transition(phase.value, Event.INIT_ERROR.value)
        self._move_all(Event.INIT_ERROR)
        self._init_error, reply = _init_error(body)
        self._init_finished()
        return reply

    def restore_next(self) -> HttpResponse | Deferred:
        """GET /runtime/restore/next (SnapStart): init is over; held as the snapshot until an
        invoke restores it. Without ``--snapstart`` the RIE's 403: no snapshot is taken."""
        phase = self.phase
        if not self._config.snapstart or not self._move(self._slots[0], Event.RESTORE_NEXT):
            return rie_responses.invalid_state_transition(phase.value, Event.RESTORE_NEXT.value)
        self._init_deadline.cancel()
        self._init_finished()
        init_ms, self._pending_init_ms = self._pending_init_ms, None
        self._log.snapshot_taken(init_ms or 0.0)
        held = self._held_restore = Deferred()
        self._pump()
        return held

    def post_restore_error(self, body: Posted) -> HttpResponse:
        """POST /runtime/restore/error: the caller gets it as an init error, once the runtime
        exits; the next invoke inits and restores again."""
        phase = self.phase
        if not self._move(self._slots[0], Event.RESTORE_ERROR):
            return rie_responses.invalid_state_transition(phase.value, Event.RESTORE_ERROR.value)
        self._pending_restore_ms = (self._clock.now() - self._restore_started) * 1000
        self._init_error, reply = _init_error(body)
        return reply

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
        self._cancel_timers()
        for invocation in (*(slot.current for slot in self._slots), *self._queue):
            if invocation is not None:
                invocation.answer.cancel()
        self._queue.clear()

    # -- internals ---------------------------------------------------------------------------

    def _move(self, slot: Conversation, event: Event) -> bool:
        """Take ``event`` if the table allows it in the conversation's phase."""
        after = transition(slot.phase, event)
        if after is None:
            return False
        slot.phase = after
        return True

    def _move_all(self, event: Event) -> None:
        """A process-wide event (spawn, init error, exit, timeout): every conversation takes it."""
        for slot in self._slots:
            self._move(slot, event)

    def _slot_for(self, connection: RuntimeConnection | None) -> Conversation | None:
        """The conversation a /next on ``connection`` belongs to (binding a free one to it)."""
        if not self._concurrent:
            return self._slots[0]
        for slot in self._slots:
            if slot.connection is connection:
                return slot
        for slot in self._slots:
            if slot.is_free():
                slot.connection = connection
                return slot
        return None

    def _serving(self, request_id: str) -> Conversation | None:
        """The conversation whose runtime owes an answer to ``request_id``."""
        for slot in self._slots:
            current = slot.current
            owes = slot.phase is Phase.BUSY and current is not None
            if owes and current.request_id == request_id:
                return slot
        return None

    def _pump(self) -> None:
        if self._closing or not self._queue:
            return
        if self.phase is Phase.STOPPED:
            self._log.start(self._queue.head())
            self._spawn()
            return
        if self.phase is Phase.SNAPSHOTTED:
            self._restore()
            return
        for slot in self._slots:
            if slot.phase is Phase.IDLE and slot.parked_next is not None:
                invocation = self._queue.pop()
                self._deliver(slot, invocation)
                self._log.start(invocation)  # after the event is sent: the runtime's lines pass
                if not self._queue:
                    return

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
        self._move_all(Event.SPAWN)
        self._ready = False
        self._init_error = b""
        self._init_deadline.start(self._config.timeout_s, self._on_init_timeout, process)

    def _restore(self) -> None:
        """Answer the held restore/next: Restore Duration runs until the runtime's /next."""
        held, self._held_restore = self._held_restore, None
        self._move(self._slots[0], Event.RESTORE)
        self._log.start(self._queue.head())
        self._restore_started = self._clock.now()
        self._init_deadline.start(self._config.timeout_s, self._on_init_timeout, self._process)
        if held is not None:
            held.resolve(rie_responses.RESTORED)

    def _init_finished(self) -> None:
        process = self._process
        assert process is not None
        self._pending_init_ms = (self._clock.now() - process.spawned_at) * 1000
        process.memory.sample()

    def _deliver(self, slot: Conversation, invocation: PendingInvoke) -> None:
        parked = slot.parked_next
        assert parked is not None
        deadline_ms = int((self._clock.wall() + self._config.timeout_s) * 1000)
        event = invocation.as_next_response(deadline_ms, self._config.function_arn)
        slot.parked_next = None  # only once the event is built: a failure leaves no trace
        slot.current = invocation
        self._move(slot, Event.DELIVER)
        invocation.delivered_at = self._clock.now()
        self._stall_deadline.cancel()
        slot.deadline.start(self._config.timeout_s, self._on_invoke_timeout, slot, self._process)
        parked.resolve(event)

    def _forget_parked(self, slot: Conversation, parked: Deferred) -> None:
        """The runtime hung up its ``/next``: deliver nothing there; wait for it to ask again."""
        if parked is slot.parked_next:
            slot.parked_next = None
            slot.connection = None  # a new connection may take this conversation up
            self._move(slot, Event.NEXT_ABANDONED)
            self._watch_queue()

    def _check_answer(
        self, request_id: str, event: Event
    ) -> tuple[Conversation, None] | tuple[None, HttpResponse]:
        """The conversation owed this answer, or the refusal the RIE gives."""
        slot = self._serving(request_id)
        if slot is not None:
            return slot, None
        for slot in self._slots:
            current = slot.current
            streaming = slot.phase is Phase.STREAMING and current is not None
            if streaming and current.request_id == request_id:  # a second answer mid-stream
                return None, rie_responses.invalid_state_transition(slot.phase.value, event.value)
            if request_id == slot.last_answered_id:
                return None, rie_responses.invalid_state_transition(
                    Phase.RESPONDED.value, event.value
                )
        return None, rie_responses.invalid_request_id()

    def _answered(
        self, slot: Conversation, answer: HttpResponse, to_runtime: HttpResponse
    ) -> HttpResponse:
        """The runtime answered the conversation's invocation; return ``to_runtime``, its reply.

        The runtime's reply goes out first; the caller's answer follows on the loop's next turn
        (or sooner, before anything the runtime sends next). Measured: a runtime back from a
        20 ms handler otherwise waited ~0.35 ms longer for its 202, which its own metrics
        rightly charge to posting. The invocation's deadline keeps running until ``/next``.
        """
        invocation = slot.current
        assert invocation is not None
        self._move(slot, Event.RESPONSE)
        invocation.responded_at = self._clock.now()
        slot.last_answered_id = invocation.request_id
        if self._log.hold_answer(invocation, answer):
            self._clock.call_soon(self._log.answer_caller)
        return to_runtime

    def _stream_ended(
        self,
        slot: Conversation,
        invocation: PendingInvoke,
        answer: HttpResponse,
        to_runtime: HttpResponse,
    ) -> HttpResponse:
        """A relayed stream ended; the invocation may have ended first (deadline, exit)."""
        if invocation is not slot.current or slot.phase is not Phase.STREAMING:
            return to_runtime
        return self._answered(slot, answer, to_runtime)

    def _refuse_too_large(self, slot: Conversation, size: int) -> HttpResponse:
        """An answer over Lambda's limit: 413 to the runtime, a function error to the caller."""
        return self._answered(
            slot, rie_responses.response_too_large(size), rie_responses.payload_too_large()
        )

    def _watch_queue(self) -> None:
        """Invokes queued behind a runtime that dropped its ``/next`` and never asks again
        still time out: Lambda's deadline runs from the invoke, not from the runtime's call."""
        if (
            self._queue
            and self._ready
            and not self._stall_deadline.active
            and all(
                slot.phase is Phase.RESPONDED and slot.current is None for slot in self._slots
            )
        ):
            self._stall_deadline.start(
                self._config.timeout_s, self._on_queue_stalled, self._process
            )

    def _end_current(self, slot: Conversation, ended: float) -> None:
        """The conversation's invocation is over: print END/REPORT with Duration to ``ended``."""
        invocation, slot.current = slot.current, None
        if invocation is not None:
            self._report(invocation, ended)

    def _fail_head(self, answer: HttpResponse) -> None:
        if self._queue:
            invocation = self._queue.pop()
            self._log.start(invocation)
            self._finish(invocation, answer)

    def _finish(self, invocation: PendingInvoke, answer: HttpResponse) -> None:
        """End an invocation the runtime never answered: the caller gets ``answer``."""
        self._log.hold_answer(invocation, answer)
        self._report(invocation, self._clock.now())

    def _report(self, invocation: PendingInvoke, ended: float) -> None:
        delivered = invocation.delivered_at
        duration_ms = 0.0 if delivered is None else (ended - delivered) * 1000
        init_ms, self._pending_init_ms = self._pending_init_ms, None
        restore_ms, self._pending_restore_ms = self._pending_restore_ms, None
        if self._process is not None:
            self._process.drain_output()  # lines printed before the end come before END
        self._log.finish(invocation, duration_ms, init_ms, self._memory_source, restore_ms)

    def _on_exit(self, process: ManagedProcess, returncode: int) -> None:
        if process is not self._process:
            return
        init_phase = None if self._ready else self.phase
        now = self._clock.now()
        if init_phase is Phase.INITIALIZING:
            self._pending_init_ms = (now - process.spawned_at) * 1000
        ended = [(slot, slot.phase) for slot in self._slots]
        self._detach(Event.EXIT)
        if init_phase in (Phase.INITIALIZING, Phase.RESTORING):
            self._fail_head(rie_responses.INIT_CRASHED)
        elif init_phase in (Phase.INIT_FAILED, Phase.RESTORE_FAILED):
            self._fail_head(rie_responses.init_error(self._init_error))
        for slot, phase in ended:
            if phase is Phase.RESPONDED:
                self._end_current(slot, now)
            elif slot.current is not None:
                current, slot.current = slot.current, None
                slot.last_answered_id = current.request_id
                reason = exit_reason(returncode)
                self._finish(current, rie_responses.runtime_exit_error(current.request_id, reason))
        self._pump()

    def _on_init_timeout(self, process: ManagedProcess) -> None:
        if process is not self._process:
            return
        failed = self.phase in (Phase.INIT_FAILED, Phase.RESTORE_FAILED)
        failed_with = self._init_error if failed else None
        self._pending_init_ms = self._config.timeout_s * 1000
        process.kill()
        self._detach(Event.TIMEOUT)
        if failed_with is not None:
            self._fail_head(rie_responses.init_error(failed_with))
        else:
            self._fail_head(rie_responses.timed_out(self._config.timeout_s))
        self._pump()

    def _on_invoke_timeout(self, slot: Conversation, process: ManagedProcess | None) -> None:
        """The invocation's deadline passed, answered or not. With one conversation the runtime
        is killed; with several, only this invocation ends (the others share the process)."""
        current = slot.current
        if process is not self._process or process is None or current is None:
            return
        answered = slot.phase is Phase.RESPONDED
        slot.current = None
        slot.last_answered_id = current.request_id
        if self._concurrent:
            self._move(slot, Event.EXPIRE)  # its late answer is refused; its /next serves on
        else:
            process.kill()
            self._detach(Event.TIMEOUT)
        ended = (current.delivered_at or self._clock.now()) + self._config.timeout_s
        if not answered:
            self._log.hold_answer(current, rie_responses.timed_out(self._config.timeout_s))
        self._report(current, ended)
        self._pump()

    def _on_queue_stalled(self, process: ManagedProcess | None) -> None:
        if process is not self._process or process is None:
            return
        if any(slot.current is not None for slot in self._slots):
            return
        process.kill()
        self._detach(Event.TIMEOUT)
        self._fail_head(rie_responses.timed_out(self._config.timeout_s))
        self._pump()

    def _cancel_timers(self) -> None:
        self._init_deadline.cancel()
        self._stall_deadline.cancel()
        for slot in self._slots:
            slot.deadline.cancel()

    def _detach(self, event: Event) -> None:
        """Forget the current process: the next invocation starts a fresh one."""
        self._cancel_timers()
        self._process = None
        self._held_restore = None
        self._move_all(event)
        for slot in self._slots:
            if slot.parked_next is not None:
                slot.parked_next.cancel()
                slot.parked_next = None
            slot.connection = None
        self.extensions.forget()


def _size(body: Posted) -> int:
    return body.size if isinstance(body, Oversized) else len(body)


def _init_error(body: Posted) -> tuple[bytes, HttpResponse]:
    """(what the caller will get, the runtime's reply) for a posted init or restore error."""
    if isinstance(body, Oversized) or len(body) > MAX_RESPONSE_BYTES:
        size = _size(body)
        return rie_responses.response_too_large(size).body, rie_responses.payload_too_large()
    return body, rie_responses.ACCEPTED
