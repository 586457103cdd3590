"""The podman backend: a function image (Containerfile) serving invokes on a published port."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from bench.backends import (
    HOST,
    READY_TIMEOUT_S,
    BackendError,
    LinesPredicate,
    free_port,
    stopped_on_failure,
)
from bench.invoker import wait_for_http

# podman here needs runc and explicit rlimits; scripts/setup-containers writes this file.
CONTAINERS_CONF = "/etc/containers/lambdaflow.conf"


def podman(*args: str) -> subprocess.CompletedProcess[str]:
    """Run one podman command with the project's containers.conf (unless the user set one)."""
    env = {"CONTAINERS_CONF": CONTAINERS_CONF, **os.environ}
    return subprocess.run(["podman", *args], capture_output=True, text=True, errors="replace",
                          timeout=120, check=False, env=env)


class PodmanContainer:
    """A container started with `podman run -d -p 127.0.0.1:P:8080`; logs via `podman logs`."""

    def __init__(self, container_id: str, port: int, ready_s: float) -> None:
        self.container_id = container_id
        self.host = HOST
        self.port = port
        self.ready_s = ready_s

    def stdout_lines(self) -> list[str]:
        return podman("logs", self.container_id).stdout.splitlines()

    def wait_for_stdout(self, predicate: LinesPredicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate(self.stdout_lines()):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    def runtime_pid(self, command: Sequence[str]) -> int | None:
        return None  # the runtime lives in the container's pid namespace

    def stop(self) -> None:
        podman("rm", "-f", "-t", "0", self.container_id)


class PodmanBackend:
    """A function image (Containerfile) served the way scripts/run serves it.

    The image's entrypoint is only the runtime, as on Lambda; the invoke endpoint comes from
    lambdaflow's emulator inside the image, or from an RIE binary mounted as the entrypoint.
    The image decides the function: build it with `scripts/build --function examples/heavy`
    for the heavy benchmark.
    """

    name = "podman"

    def __init__(self, image: str, rie: str | None = None) -> None:
        self.image = image
        self.rie = rie

    def _serve_args(self) -> list[str]:
        if self.rie:
            rie = str(Path(self.rie).resolve())
            return ["--volume", f"{rie}:/aws-lambda/aws-lambda-rie:ro",
                    "--entrypoint", "/aws-lambda/aws-lambda-rie", self.image, "./bootstrap"]
        # Inside the container the emulator listens on all interfaces so the port map reaches
        # it; the host side is published on 127.0.0.1 only.
        return ["--entrypoint", "python", self.image,
                "-m", "lambdaflow.emulator", "--host", "0.0.0.0", "--port", "8080", "--",
                "./bootstrap"]

    def start(self, command: Sequence[str], echo: bool = False,
              extra_env: Mapping[str, str] | None = None) -> PodmanContainer:
        port = free_port()
        started = time.perf_counter()
        run = podman("run", "-d", "-p", f"{HOST}:{port}:8080", *self._serve_args())
        if run.returncode != 0:
            raise BackendError(f"podman run {self.image} failed: {run.stderr.strip()}")
        container = PodmanContainer(run.stdout.strip(), port, 0.0)
        with stopped_on_failure(container):
            if not wait_for_http(HOST, port, READY_TIMEOUT_S):
                raise BackendError(f"container from {self.image} did not answer HTTP on {port}")
        container.ready_s = time.perf_counter() - started
        return container
