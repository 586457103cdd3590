"""Runs the repository's container scripts the way a user does, with a hard time limit.

The scripts start podman as a child; on a timeout the whole process group is killed so that no
podman build or run outlives the test.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"
SETUP_HINT = "run scripts/setup-containers first (installs podman, builds the Debian base image)"


def run_script(name: str, *args: str, env: dict[str, str], timeout_s: float) -> str:
    """Run scripts/<name> and return its combined output; fail the test when it fails."""
    with subprocess.Popen(
        [str(SCRIPTS / name), *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            pytest.fail(f"scripts/{name} timed out after {timeout_s:.0f} s:\n{_tail(output)}")
    if process.returncode != 0:
        pytest.fail(f"scripts/{name} exited {process.returncode}:\n{_tail(output)}")
    return output


def podman_command(*args: str) -> list[str]:
    """A podman command line with the same configuration (CONTAINERS_CONF) as the scripts."""
    return ["bash", "-c", f'source {SCRIPTS}/_containers.sh && exec podman "$@"', "podman", *args]


def _tail(output: str, lines: int = 40) -> str:
    return "\n".join(output.splitlines()[-lines:])
