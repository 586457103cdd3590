"""A subprocess in its own process group with stdout and stderr captured line by line.

The benchmark parses the backend's stdout after the run and waits on lines while it runs, so
reader threads collect both streams; stopping kills the whole group so that no runtime the
backend spawned outlives the benchmark.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO


class CapturedProcess:
    """Start `argv` in a new session; collect its output; `stop()` ends the whole group."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        echo: bool = False,
    ) -> None:
        self.argv = list(argv)
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._changed = threading.Condition()
        self._echo = echo
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        self._readers = [
            threading.Thread(target=self._read, args=(stream, sink), daemon=True)
            for stream, sink in ((self.process.stdout, self.stdout),
                                 (self.process.stderr, self.stderr))
        ]
        for reader in self._readers:
            reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self, stream: IO[str] | None, sink: list[str]) -> None:
        assert stream is not None
        for line in stream:
            if self._echo:
                sys.stderr.write(line)
            with self._changed:
                sink.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Block until `condition()` holds (re-checked on each new line) or `timeout` passes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.process.poll() is not None and not self._reading()):
                    return condition()
                self._changed.wait(min(remaining, 0.2))
        return True

    def _reading(self) -> bool:
        return any(reader.is_alive() for reader in self._readers)

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM the process group, SIGKILL what is left after `grace` seconds, reap."""
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)
        # The leader may be gone while its children (the runtime) still hold the pipes.
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=grace)
        for reader in self._readers:
            reader.join(timeout=grace)

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def describe_failure(self, tail: int = 20) -> str:
        """Exit status and the last lines of output, for error messages."""
        status = self.process.poll()
        lines = self.stderr[-tail:] + self.stdout[-tail:]
        state = "still running" if status is None else f"exit status {status}"
        return f"{' '.join(self.argv)}: {state}\n" + "\n".join(lines)
