"""A fake clock and a fake runtime process, to drive the Sandbox in-process."""

from __future__ import annotations

import heapq
import io
import itertools
from collections.abc import Callable

from lambdaflow.emulator.config import EmulatorConfig
from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.output.console import Console
from lambdaflow.emulator.sandbox.pending_invoke import PendingInvoke
from lambdaflow.emulator.sandbox.sandbox import Sandbox


class FakeClock:
    """Time moves only when a test says so; timers fire in order as it passes."""

    def __init__(self) -> None:
        self.time = 1000.0
        self._timers: list[tuple[float, int, FakeTimer]] = []
        self._soon: list[Callable[[], None]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self.time

    def wall(self) -> float:
        return 1_800_000_000.0 + self.time

    def call_later(self, delay: float, callback: Callable[..., None], *args) -> FakeTimer:
        timer = FakeTimer(lambda: callback(*args))
        heapq.heappush(self._timers, (self.time + delay, next(self._order), timer))
        return timer

    def call_soon(self, callback: Callable[[], None]) -> None:
        self._soon.append(callback)

    def run_soon(self) -> None:
        """One turn of the loop: what was scheduled with call_soon."""
        soon, self._soon = self._soon, []
        for callback in soon:
            callback()

    def advance(self, seconds: float) -> None:
        end = self.time + seconds
        while self._timers and self._timers[0][0] <= end:
            when, _, timer = heapq.heappop(self._timers)
            self.time = when
            if not timer.cancelled:
                timer.callback()
        self.time = end


class FakeTimer:
    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeMemory:
    def sample(self) -> int:
        return 20 * 1024


class FakeProcess:
    """Records what the Sandbox did to it; ``exit`` plays the runtime's exit."""

    def __init__(self, clock: FakeClock, on_exit: Callable[..., None]) -> None:
        self.spawned_at = clock.now()
        self.memory = FakeMemory()
        self.killed = False
        self._on_exit = on_exit

    def drain_output(self) -> None:
        pass

    def terminate(self) -> None:
        pass

    def kill(self) -> None:
        self.killed = True

    async def wait(self, timeout_s: float) -> bool:
        return True

    def exit(self, returncode: int) -> None:
        self._on_exit(self, returncode)


class Harness:
    """A Sandbox on a fake clock, its console output, and the processes it spawned."""

    def __init__(self, timeout_s: float = 3.0, **config: object) -> None:
        self.clock = FakeClock()
        self.stdout = io.BytesIO()
        self.processes: list[FakeProcess] = []
        self.sandbox = Sandbox(
            EmulatorConfig(command=("runtime",), timeout_s=timeout_s, **config),
            Console(self.stdout),
            {},
            self.clock,
            spawn=self._spawn,
        )

    def _spawn(self, command, env, on_output, on_exit) -> FakeProcess:
        process = FakeProcess(self.clock, on_exit)
        self.processes.append(process)
        return process

    def invoke(self, payload: bytes = b"{}", capture_log: bool = False) -> PendingInvoke:
        invocation = PendingInvoke(payload, Deferred(), "Root=1-0-0", capture_log=capture_log)
        self.sandbox.submit(invocation)
        return invocation

    def next(self) -> Deferred:
        parked = self.sandbox.next_invocation()
        assert isinstance(parked, Deferred), parked
        return parked

    def lines(self) -> list[str]:
        return self.stdout.getvalue().decode().splitlines()

    def reports(self) -> list[str]:
        return [line for line in self.lines() if line.startswith("REPORT")]
