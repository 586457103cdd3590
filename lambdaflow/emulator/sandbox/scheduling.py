"""Time and order for the Sandbox: a clock, one deadline timer, the queue of waiting invokes.

Apart from the lifecycle so that the lifecycle can be driven in-process by a fake clock, and
so that when things happen (timers, the next loop turn) is decided in one place.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What the Sandbox needs of time: two readings and two ways to run something later."""

    def now(self) -> float: ...  # monotonic seconds, for durations
    def wall(self) -> float: ...  # epoch seconds, for Lambda-Runtime-Deadline-Ms
    def call_later(
        self, delay: float, callback: Callable[..., None], *args: Any
    ) -> Cancellable: ...
    def call_soon(self, callback: Callable[..., None], *args: Any) -> Any: ...


class LoopClock:
    """The real clock: perf_counter, time.time and the running event loop (its own methods,
    bound once: these run several times per invoke)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.call_later = loop.call_later
        self.call_soon = loop.call_soon

    now = staticmethod(time.perf_counter)
    wall = staticmethod(time.time)


class Deadline:
    """At most one pending timer: starting it again replaces the previous one."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._handle: Cancellable | None = None
        self._due = 0.0

    @property
    def active(self) -> bool:
        """Started, not cancelled, and not yet due."""
        return self._handle is not None and self._clock.now() < self._due

    def start(self, delay: float, callback: Callable[..., None], *args: Any) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._due = self._clock.now() + delay
        self._handle = self._clock.call_later(delay, callback, *args)

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


class InvokeQueue(Generic[T]):
    """Invokes waiting for the runtime, served strictly in arrival order."""

    def __init__(self) -> None:
        self._items: deque[T] = deque()

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def push(self, item: T) -> None:
        self._items.append(item)

    def head(self) -> T:
        return self._items[0]

    def pop(self) -> T:
        return self._items.popleft()

    def clear(self) -> None:
        self._items.clear()
