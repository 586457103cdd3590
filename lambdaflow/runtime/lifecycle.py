"""Shutdown: on SIGTERM (Lambda) or SIGINT (Ctrl-C), finish the invocation in progress, run the
shutdown hooks in order within the time Lambda allows, flush the logs, and exit 0.
"""

from __future__ import annotations

import _signal
import _socket
import contextlib
import os
import sys
import time
from collections.abc import Callable
from types import FrameType

from ..framework.app import describe
from ..observability.runtime_log import logger

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

#: The signals that shut the runtime down, by name.
_SIGNAL_NAMES = {_signal.SIGTERM: "SIGTERM", _signal.SIGINT: "SIGINT"}
#: Lambda allows ~500 ms between SIGTERM and SIGKILL; keep a margin for flushing and exit.
SHUTDOWN_BUDGET_S = 0.45


class Lifecycle:
    """Records a shutdown signal and makes it wake the loop's wait for the next event.

    The handler only records: raising from it could land mid-read of an event and lose it.
    Instead CPython writes each signal to a wakeup socket (`signal.set_wakeup_fd`), and the
    Runtime API connection waits on that socket beside its own (see `RuntimeClient.next`): an
    event that has started to arrive is always read and served, only idle waiting is cut short.
    """

    def __init__(self, shutdown_hooks: tuple[Callable[[], None], ...]) -> None:
        self.shutdown_hooks = shutdown_hooks
        self.signal_name: str | None = None
        self._signalled_at = 0.0
        # `_socket`, the C module `socket` wraps, as the connection's socket is (`connection`)
        self._wakeup, self._wakeup_writer = _socket.socketpair()

    @property
    def stopping(self) -> bool:
        return self.signal_name is not None

    def install_signal_handlers(self) -> None:
        self._wakeup.setblocking(False)
        self._wakeup_writer.setblocking(False)
        # `_signal`, the C module `signal` wraps: `signal` builds its enums at import, ~0.4 ms
        # of cold start for names only this handler's two signals need
        _signal.set_wakeup_fd(self._wakeup_writer.fileno(), warn_on_full_buffer=False)
        for signum in _SIGNAL_NAMES:
            _signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.signal_name is None:
            self.signal_name = _SIGNAL_NAMES[signum]
            self._signalled_at = time.monotonic()

    # The `connection.Interrupt` protocol: what the connection waits on beside the Runtime API.

    def fileno(self) -> int:
        return self._wakeup.fileno()

    def is_set(self) -> bool:
        """Drain the wakeup socket; True once a shutdown signal arrived (others: keep waiting)."""
        with contextlib.suppress(BlockingIOError):
            while self._wakeup.recv(64):
                pass
        return self.stopping

    def shut_down(self, reason: str | None = None) -> NoReturn:
        """Run the hooks within the budget left since the signal (or from now, without one:
        `reason` says why), then exit 0."""
        started = self._signalled_at if self.signal_name is not None else time.monotonic()
        deadline = started + SHUTDOWN_BUDGET_S
        logger.info(
            "runtime.shutdown", signal=self.signal_name, hooks=len(self.shutdown_hooks),
            **({"reason": reason} if reason else {}),
        )
        run_shutdown_hooks(self.shutdown_hooks, deadline)
        sys.stdout.flush()
        sys.stderr.flush()
        # os._exit: a thread the function leaked must not keep the process past its budget.
        os._exit(0)


def run_shutdown_hooks(hooks: tuple[Callable[[], None], ...], deadline: float) -> None:
    """Run the hooks in order until `deadline` (time.monotonic); each failure is logged."""
    for hook in hooks:
        _run_hook(hook, deadline)


def _run_hook(hook: Callable[[], None], deadline: float) -> None:
    name = describe(hook)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        logger.error("shutdown.hook_skipped", hook=name, reason="the shutdown budget is spent")
        return

    def guarded() -> None:
        try:
            hook()
        except BaseException as exc:
            logger.opt(exception=exc).error("shutdown.hook_failed", hook=name)

    import threading  # at shutdown only

    worker = threading.Thread(target=guarded, name=f"shutdown:{name}", daemon=True)
    worker.start()
    worker.join(remaining)
    if worker.is_alive():
        logger.error(
            "shutdown.hook_overran", hook=name, budget_ms=round(remaining * 1000, 1)
        )
