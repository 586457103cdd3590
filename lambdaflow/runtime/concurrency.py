"""Lambda Managed Instances: AWS_LAMBDA_MAX_CONCURRENCY=N invocations at once, async handler.

An async handler serves N invocations at once as tasks on the process's one event loop
(`async_loop`). Each concurrency slot is a thread with its own Runtime API connection and its
own `InvocationLoop`: it blocks on /next, decodes, submits the handler's coroutine to the loop
(which runs in a thread of its own) and waits for it, then posts the answer. So N connections,
N Contexts and deadlines, and the whole per-invocation path (`runtime_api`, `framework.phases`,
the metrics line) is the one the sequential loop uses: nothing of it is re-implemented over
asyncio streams. Why threads for the Runtime API side rather than asyncio streams: the blocking
socket calls release the GIL, an idle slot costs a thread's stack and nothing per invocation,
and the framing, retries and pipelining rules stay in one place; asyncio streams would need a
second, async copy of `connection`'s reconnect-and-resend logic for the same requests.

A sync handler at N > 1 is served by worker processes instead (`workers`).
"""

from __future__ import annotations

import os
import select
import socket
from itertools import count

from ..framework.context import FunctionEnvironment
from ..framework.plan import Plan
from ..observability.runtime_log import logger
from ..runtime_api.client import RuntimeApiUnavailable, RuntimeClient
from ..settings import settings
from .lifecycle import SHUTDOWN_BUDGET_S, Lifecycle
from .loop import InvocationLoop


def max_concurrency() -> int:
    """N from AWS_LAMBDA_MAX_CONCURRENCY (1 when unset; a bad value is logged and means 1)."""
    raw = settings.max_concurrency
    if not raw:
        return 1
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    logger.warning("runtime.bad_max_concurrency", value=raw[:40],
                   consequence="serving one invocation at a time")
    return 1


class SlotStop:
    """One slot's view of the shutdown signal. The process's wakeup socket is drained by
    whoever reads it, so with N slots waiting on it only one would wake: the main thread
    waits on it and relays the signal to each slot's own socket (`wake`)."""

    def __init__(self, lifecycle: Lifecycle) -> None:
        self._lifecycle = lifecycle
        self._read, self._write = socket.socketpair()

    @property
    def stopping(self) -> bool:
        return self._lifecycle.stopping

    def fileno(self) -> int:
        return self._read.fileno()

    def is_set(self) -> bool:
        return self._lifecycle.stopping

    def wake(self) -> None:
        self._write.send(b"\0")


def serve_in_slots(plan: Plan, client: RuntimeClient, lifecycle: Lifecycle, slots: int) -> None:
    """Serve up to `slots` invocations of an async handler at once until SIGTERM/SIGINT;
    invocations in progress are finished (within the shutdown budget) before returning."""
    import threading  # only where it serves

    from ..framework.async_loop import shared

    shared().run_in_background()
    env = FunctionEnvironment()
    env.exports_trace_id = False  # the variable is process-wide; Context.trace_id is not
    served = count()
    stops = [SlotStop(lifecycle) for _ in range(slots)]
    threads = []
    for index, stop in enumerate(stops):
        slot_client = client if index == 0 else RuntimeClient(client.address)
        loop = InvocationLoop(plan, slot_client, stop, env, served)
        threads.append(threading.Thread(target=_serve_slot, args=(loop,),
                                        name=f"lambdaflow-slot-{index}", daemon=True))
    for thread in threads:
        thread.start()
    logger.debug("runtime.concurrency", mode="async", slots=slots)
    while not lifecycle.stopping:
        select.select([lifecycle], [], [])
        lifecycle.is_set()
    for stop in stops:
        stop.wake()
    for thread in threads:
        thread.join(SHUTDOWN_BUDGET_S / 2)


def _serve_slot(loop: InvocationLoop) -> None:
    try:
        loop.serve_until_signalled()
    except RuntimeApiUnavailable as exc:
        # The Runtime API's contract for 5xx: exit promptly. The whole environment goes.
        logger.critical("runtime.exit", reason=str(exc))
        os._exit(1)
