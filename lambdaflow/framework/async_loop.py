"""The one asyncio event loop of the process, and how sync code runs coroutines on it.

Imported only when an App registers an `async def` (so a sync App never imports asyncio). The
loop is created then and kept for the life of the process: a client made in an async cold_start
(aiohttp, httpx, asyncpg) is bound to it, and every later hook and invocation runs on it, so
the client stays usable; `asyncio.run` per invoke would close the loop under it.

Registration wraps each async function into a plain callable (`blocking`), so the loop, the
hooks runner and the shutdown path call async and sync functions alike. How the coroutine runs:
- one invocation at a time: `run_until_complete` on the calling thread (no thread, no hand-off);
- AWS_LAMBDA_MAX_CONCURRENCY > 1: the loop runs forever in a thread of its own (`run_forever`)
  and each concurrency slot's thread submits its invocation's coroutine to it and waits, so up
  to N invocations are tasks awaiting at once. A task is created in a copy of the submitting
  thread's context, so it logs with that slot's request id (`log_state.current_invocation`).
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Callable, Coroutine

from .context import PLAUSIBLE_DEADLINE_MS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class DeadlineExceeded(Exception):
    """The invocation's deadline passed: its task was cancelled, freeing its slot."""


class EventLoop:
    """The process's loop: `run(coroutine)` from any thread, whether the loop runs or not.

    Created at the first coroutine run, not at registration: until then the process holds no
    selector or self-pipe (which would make forking sync workers unsafe, see `workers`).
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop

    def run(self, coroutine: Coroutine[Any, Any, Any], deadline_ms: int = 0) -> Any:
        """Run `coroutine` to its end on the loop; cancelled at `deadline_ms` (epoch ms) if any."""
        if deadline_ms in PLAUSIBLE_DEADLINE_MS:  # else no clock reading: no deadline
            coroutine = _within(coroutine, deadline_ms)
        if self._thread is None:
            return self.loop.run_until_complete(coroutine)
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def run_in_background(self) -> None:
        """Keep the loop running in a thread of its own, for concurrent submitters."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.loop.run_forever, name="lambdaflow-asyncio", daemon=True
            )
            self._thread.start()


async def _within(coroutine: Coroutine[Any, Any, Any], deadline_ms: int) -> Any:
    remaining_s = deadline_ms / 1000 - time.time()
    scope = asyncio.timeout(max(remaining_s, 0))
    try:
        async with scope:
            return await coroutine
    except TimeoutError:
        if not scope.expired():
            raise  # the handler's own TimeoutError
        raise DeadlineExceeded(
            f"the invocation's deadline passed ({remaining_s * 1000:.0f} ms were left when it "
            "started); its task was cancelled"
        ) from None


_shared: EventLoop | None = None


def shared() -> EventLoop:
    """The process's one EventLoop, created at the first async registration."""
    global _shared
    if _shared is None:
        _shared = EventLoop()
    return _shared


def blocking(function: Callable[..., Any]) -> Callable[..., Any]:
    """A plain callable that runs the coroutine `function(...)` returns on the shared loop
    (named like `function`, so error messages name the user's function)."""
    event_loop = shared()

    @functools.wraps(function)
    def run(*args: Any) -> Any:
        return event_loop.run(function(*args))

    return run


def blocking_event_call(call: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Like `blocking`, for `call(value, context)`: the task is cancelled at the deadline."""
    event_loop = shared()

    def run(value: Any, context: Any) -> Any:
        return event_loop.run(call(value, context), context.deadline_ms)

    return run
