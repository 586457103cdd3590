"""Fixtures for the container tests: the echo image built from this working tree on the cached
Debian base, and a container serving it through lambdaflow's emulator on a loopback port.

Everything goes through scripts/{build,run,logs,stop}, so the tests also prove the workflow that
docs/containers.md describes. The test image keeps its tag (and podman its layer cache) so reruns
only rebuild what changed; containers are always removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from container_scripts import SETUP_HINT, podman_command, run_script
from function_container import PODMAN_TIMEOUT_S, FunctionContainer, running_container

DEBIAN_BASE = "localhost/debian:bookworm"
TEST_IMAGE = "localhost/lambdaflow-test:latest"
# A fresh machine fetches python3 from Debian's mirror and wheels from PyPI: minutes, not hours.
BUILD_TIMEOUT_S = 1200


@pytest.fixture(scope="session")
def script_env() -> dict[str, str]:
    """Environment for the scripts: a test-only image and container name, never the user's."""
    if shutil.which("podman") is None:
        pytest.fail(f"podman is not installed: {SETUP_HINT}")
    base_check = subprocess.run(
        podman_command("image", "exists", DEBIAN_BASE),
        capture_output=True,
        text=True,
        timeout=PODMAN_TIMEOUT_S,
        check=False,
    )
    if base_check.returncode != 0:
        pytest.fail(f"base image {DEBIAN_BASE} is missing: {SETUP_HINT}\n{base_check.stderr}")
    return {
        **os.environ,
        "LAMBDAFLOW_IMAGE": TEST_IMAGE,
        "LAMBDAFLOW_CONTAINER": f"lambdaflow-test-{os.getpid()}",
    }


@pytest.fixture(scope="session")
def function_image(script_env: dict[str, str]) -> str:
    """The echo example's image, built with scripts/build on the Debian base."""
    run_script("build", "--base", DEBIAN_BASE, env=script_env, timeout_s=BUILD_TIMEOUT_S)
    return TEST_IMAGE


@pytest.fixture(scope="module")
def function_container(
    function_image: str, script_env: dict[str, str]
) -> Iterator[FunctionContainer]:
    """The image run with lambdaflow's own emulator as entrypoint (scripts/run's default)."""
    with running_container(script_env, "emulator") as container:
        yield container
