"""The runtime process: spawn it, forward its output, notice its exit, end it.

The runtime gets its own session (process group) so that a kill reaches everything it started
and so that Ctrl-C in the terminal reaches only the emulator, which decides how the runtime ends
(SIGTERM only if it registered an extension, as Lambda does). Its stdout and stderr share one
pipe, which keeps their relative order; the pipe is read on the event loop and can be drained
synchronously so that lines printed before a response come out before that response's END line.
Exit is observed through a pidfd, so no thread or SIGCHLD handler is involved.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence

from lambdaflow.emulator.sandbox.memory import PeakMemory

_READ_CHUNK = 65536
_MAX_READS_PER_DRAIN = 64


def exit_reason(returncode: int) -> str:
    """Describe an exit the way the RIE (Go's os.ProcessState) does."""
    if returncode == 0:
        return "Runtime exited without providing a reason"
    if returncode < 0:
        description = signal.strsignal(-returncode) or f"signal {-returncode}"
        return f"Runtime exited with error: signal: {description[0].lower()}{description[1:]}"
    return f"Runtime exited with error: exit status {returncode}"


class RuntimeProcess:
    """One spawned runtime; calls ``on_exit(self, returncode)`` once, on the event loop."""

    def __init__(
        self,
        command: Sequence[str],
        env: Mapping[str, str],
        on_output: Callable[[bytes], None],
        on_exit: Callable[[RuntimeProcess, int], None],
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._on_output = on_output
        self._on_exit = on_exit
        self.spawned_at = time.perf_counter()
        self.returncode: int | None = None
        read_fd, write_fd = os.pipe()
        try:
            self._popen = subprocess.Popen(
                list(command),
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=write_fd,
                stderr=write_fd,
                start_new_session=True,
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        self.pid = self._popen.pid
        self._output_fd: int | None = read_fd
        try:
            self._pidfd: int | None = os.pidfd_open(self.pid)
        except BaseException:  # e.g. EMFILE: do not leave a runtime nobody watches
            self.kill()
            self._popen.wait()
            self._close_output()
            raise
        self.memory = PeakMemory(self.pid)
        os.set_blocking(read_fd, False)
        self._loop.add_reader(read_fd, self.drain_output)
        self._loop.add_reader(self._pidfd, self._reap)

    def drain_output(self) -> None:
        """Forward what the runtime has written so far, without waiting for more.

        Bounded, so a runtime that writes without pause cannot hold the event loop; the rest
        comes on the next readiness callback.
        """
        fd = self._output_fd
        if fd is None:
            return
        for _ in range(_MAX_READS_PER_DRAIN):
            try:
                data = os.read(fd, _READ_CHUNK)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._close_output()
                return
            self._on_output(data)

    def terminate(self) -> None:
        """SIGTERM to the runtime itself, as Lambda sends when an extension is registered."""
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL to the runtime's whole process group."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)

    async def wait(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the exit to be observed; True if it was."""
        deadline = time.monotonic() + timeout_s
        while self.returncode is None and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        return self.returncode is not None

    def _reap(self) -> None:
        returncode = self._popen.poll()
        if returncode is None:
            return
        self.returncode = returncode
        self.memory.close()
        if self._pidfd is not None:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        self.drain_output()
        self.kill()  # leftovers of the group must not outlive the runtime
        self._close_output()
        self._on_exit(self, returncode)

    def _close_output(self) -> None:
        if self._output_fd is not None:
            self._loop.remove_reader(self._output_fd)
            os.close(self._output_fd)
            self._output_fd = None
