"""Lambda Managed Instances with a sync handler: N worker processes, init run once.

A sync handler serves one invocation at a time per process, so AWS_LAMBDA_MAX_CONCURRENCY=N
is served by N workers, each an ordinary sequential `InvocationLoop` on its own Runtime API
connection. The workers are forked from the process that has already loaded the App and run its
cold_start hooks: init runs once, and the workers share its memory pages copy-on-write.

Forking copies memory and open file descriptors, but only the calling thread. It is unsafe when
init left a thread running (in the workers it is gone, and a lock it held stays held) or an open
socket or event-loop selector (every worker would share the one connection). Either is detected
here (/proc/self/task, /proc/self/fd) and the workers are then started afresh instead
(`python -m lambdaflow TARGET` with AWS_LAMBDA_MAX_CONCURRENCY=1), each running init again;
`workers.spawn` is logged with the reason.

This process stays the supervisor: it registers the shutdown extension (if the App has shutdown
hooks), replaces a worker that dies (`worker.replaced`: the invocation the dead worker held is
never answered, so Lambda times it out; the other workers serve on), and on SIGTERM relays it to
the workers, each of which finishes its invocation and runs the shutdown hooks itself.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import time

from ..framework.plan import Plan
from ..observability.runtime_log import logger
from ..runtime_api.client import RuntimeApiUnavailable, RuntimeClient
from ..settings import MAX_CONCURRENCY, WORKER
from .lifecycle import SHUTDOWN_BUDGET_S, Lifecycle
from .loop import InvocationLoop

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

_PR_SET_PDEATHSIG = 1


def die_with_supervisor() -> None:
    """Have the kernel SIGKILL this worker when its supervisor dies (even by SIGKILL), so no
    worker outlives the environment's main process and keeps taking events."""
    supervisor = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != supervisor:  # it died before the request took effect
        os._exit(1)


def fork_hazards() -> list[str]:
    """Why forking this process now would be unsafe (empty: it is safe)."""
    hazards = []
    threads = len(os.listdir("/proc/self/task"))
    if threads > 1:
        hazards.append(f"{threads - 1} other thread(s) running")
    for fd in os.listdir("/proc/self/fd"):
        if int(fd) <= 2:
            continue  # stdio: inherited by design
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # the descriptor listdir itself used
        if link.startswith("socket:") or link == "anon_inode:[eventpoll]":
            hazards.append(f"fd {fd} is {link}")
    return hazards


class _Supervisor:
    """Starts N workers, replaces the ones that die, relays the shutdown signal."""

    def __init__(self, plan: Plan, target: str, address: str, fork: bool) -> None:
        self.plan = plan
        self.target = target
        self.address = address
        self.fork = fork
        self.workers: dict[int, int] = {}  # pid -> slot

    def start(self, slot: int) -> None:
        pid = self._fork() if self.fork else self._spawn()
        self.workers[pid] = slot

    def _spawn(self) -> int:
        env = {**os.environ, MAX_CONCURRENCY: "1", WORKER: "1"}
        return os.posix_spawn(sys.executable, [sys.executable, "-m", "lambdaflow", self.target],
                              env)

    def _fork(self) -> int:
        sys.stdout.flush()  # or each worker writes out the buffered lines again
        sys.stderr.flush()
        pid = os.fork()
        if pid:
            return pid
        code = 1
        try:
            die_with_supervisor()
            for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, signal.SIG_DFL)
            lifecycle = Lifecycle(self.plan.shutdown)
            lifecycle.install_signal_handlers()
            client = RuntimeClient(self.address)
            InvocationLoop(self.plan, client, lifecycle).serve_until_signalled()
            lifecycle.shut_down()  # exits 0
        except RuntimeApiUnavailable as exc:
            logger.critical("runtime.exit", reason=str(exc))
        except BaseException as exc:
            logger.opt(exception=exc).critical("worker.failed")
        finally:
            os._exit(code)

    def reap(self, replace: bool) -> None:
        """Collect the workers that ended; start a new one in each slot if `replace`."""
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            slot = self.workers.pop(pid, None)
            if slot is None or not replace:
                continue
            cause = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                     else f"exit code {os.waitstatus_to_exitcode(status)}")
            self.start(slot)
            logger.warning("worker.replaced", slot=slot, died_of=cause,
                           consequence="the invocation it held, if any, is timed out by Lambda")


def serve_in_workers(plan: Plan, target: str, client: RuntimeClient, workers: int) -> NoReturn:
    """Serve a sync handler in `workers` processes until SIGTERM/SIGINT, then exit 0."""
    hazards = fork_hazards()
    if hazards:
        logger.warning("workers.spawn", reason="; ".join(hazards),
                       consequence="each worker starts afresh and runs init again")
    supervisor = _Supervisor(plan, target, client.address, fork=not hazards)
    lifecycle = Lifecycle(())
    lifecycle.install_signal_handlers()
    signal.signal(signal.SIGCHLD, lambda _signum, _frame: None)  # wakes the wait below
    # Logged before forking: it loads loguru and the sink (which every worker needs for its
    # metrics lines) once, into pages the workers share, rather than once per worker.
    logger.debug("runtime.concurrency", mode="fork" if supervisor.fork else "spawn",
                 workers=workers)
    for slot in range(workers):
        supervisor.start(slot)
    if plan.shutdown:
        client.register_for_shutdown()  # after forking: it starts a thread
    while not lifecycle.stopping:
        select.select([lifecycle], [], [])
        if not lifecycle.is_set():
            supervisor.reap(replace=True)
    for pid in supervisor.workers:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + SHUTDOWN_BUDGET_S
    while supervisor.workers and time.monotonic() < deadline:
        supervisor.reap(replace=False)
        time.sleep(0.005)
    sys.stdout.flush()
    os._exit(0)
