"""Backends that serve the invoke endpoint: lambdaflow's emulator and a real RIE binary.

Each starts what it needs on free loopback ports, says when it accepts invokes, hands over the
stdout the benchmark parses, and stops everything it started. (podman: bench.podman.)
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from bench.captured_process import CapturedProcess
from bench.invoker import wait_for_http

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
READY_TIMEOUT_S = 60.0
LISTENING_RE = re.compile(r"lambdaflow\.emulator listening on http://(?P<host>[^\s:]+):(?P<port>\d+)")


LinesPredicate = Callable[[list[str]], bool]


class BackendError(RuntimeError):
    """The backend could not be started or did not become ready."""


def free_port() -> int:
    """A port the kernel considers free right now on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class RunningBackend(Protocol):
    """A started backend: where to invoke, what it printed, and how to stop it."""

    host: str
    port: int
    ready_s: float

    def stdout_lines(self) -> list[str]: ...

    def wait_for_stdout(self, predicate: LinesPredicate, timeout: float) -> bool: ...

    def runtime_pid(self, command: Sequence[str]) -> int | None: ...

    def stop(self) -> None: ...


class Backend(Protocol):
    """Something that can serve a runtime command behind the invoke endpoint."""

    name: str

    def start(self, command: Sequence[str], echo: bool = False,
              extra_env: Mapping[str, str] | None = None) -> RunningBackend: ...


class Stoppable(Protocol):
    def stop(self) -> None: ...


@contextmanager
def stopped_on_failure(started: Stoppable) -> Iterator[None]:
    """Stop what was just started if getting it ready fails or is interrupted (Ctrl-C)."""
    try:
        yield
    except BaseException:
        started.stop()
        raise


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return raw.decode(errors="replace").split("\0")[:-1]


class LocalProcess:
    """A backend running as a local process group (the emulator or an RIE binary)."""

    def __init__(self, process: CapturedProcess, port: int, ready_s: float) -> None:
        self.process = process
        self.host = HOST
        self.port = port
        self.ready_s = ready_s

    def stdout_lines(self) -> list[str]:
        return list(self.process.stdout)

    def wait_for_stdout(self, predicate: LinesPredicate, timeout: float) -> bool:
        return self.process.wait_for(lambda: predicate(self.process.stdout), timeout)

    def runtime_pid(self, command: Sequence[str]) -> int | None:
        """The pid of the runtime process the backend spawned for `command` (from /proc)."""
        pending = [self.process.pid]
        for _ in range(1000):  # bounded walk of the process tree
            if not pending:
                return None
            pid = pending.pop()
            if pid != self.process.pid and _cmdline(pid)[1:] == list(command)[1:]:
                return pid
            pending += _children(pid)
        return None

    def stop(self) -> None:
        self.process.stop()


class EmulatorBackend:
    """`python -m lambdaflow.emulator --port 0 -- COMMAND`; ready on its "listening" line.

    Port 0 lets the emulator pick a free port; its "listening" line says which.
    """

    name = "lambdaflow emulator"

    def __init__(self, extra_args: Sequence[str] = ()) -> None:
        self.extra_args = list(extra_args)

    def start(self, command: Sequence[str], echo: bool = False,
              extra_env: Mapping[str, str] | None = None) -> LocalProcess:
        argv = [sys.executable, "-m", "lambdaflow.emulator", "--host", HOST, "--port", "0",
                "--response-lines", *self.extra_args, "--", *command]
        process = CapturedProcess(argv, env={**os.environ, **(extra_env or {})}, cwd=REPO,
                                  echo=echo)

        def listening() -> re.Match[str] | None:
            return next(filter(None, map(LISTENING_RE.search, process.stderr)), None)

        with stopped_on_failure(process):
            if not process.wait_for(lambda: listening() is not None, READY_TIMEOUT_S):
                raise BackendError("emulator never said it was listening:\n"
                                   + process.describe_failure())
        match = listening()
        assert match is not None
        ready_s = time.perf_counter() - process.started_at
        return LocalProcess(process, int(match["port"]), ready_s)


class RieBackend:
    """A real aws-lambda-rie binary, started as its README shows: `aws-lambda-rie COMMAND`.

    Only the two address flags are added so that runs use free ports instead of 8080/9001.
    """

    name = "aws-lambda-rie"

    def __init__(self, path: str) -> None:
        self.path = path

    def start(self, command: Sequence[str], echo: bool = False,
              extra_env: Mapping[str, str] | None = None) -> LocalProcess:
        port = free_port()
        argv = [self.path, "--runtime-interface-emulator-address", f"{HOST}:{port}",
                "--runtime-api-address", f"{HOST}:{free_port()}", *command]
        env = {k: v for k, v in os.environ.items() if k != "AWS_LAMBDA_RUNTIME_API"}
        env.update(extra_env or {})
        process = CapturedProcess(argv, env=env, cwd=REPO, echo=echo)
        with stopped_on_failure(process):
            if not wait_for_http(HOST, port, READY_TIMEOUT_S):
                raise BackendError("RIE did not answer HTTP:\n" + process.describe_failure())
        return LocalProcess(process, port, time.perf_counter() - process.started_at)
