"""`python -m bench heavy --image`: the heavy function image served by podman, end to end.

Needs podman set up by scripts/setup-containers (CI's .ci/run does it); skipped elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.podman import CONTAINERS_CONF, podman
from tests.bench.conftest import REPO
from tests.bench.test_bench_cli import bench

BASE = "localhost/debian:bookworm"
TAG = "localhost/lambdaflow-bench-heavy:test"

pytestmark = pytest.mark.skipif(
    shutil.which("podman") is None
    or not Path(os.environ.get("CONTAINERS_CONF", CONTAINERS_CONF)).is_file()
    or podman("image", "exists", BASE).returncode != 0,
    reason="podman not set up (scripts/setup-containers)",
)


@pytest.fixture(scope="module")
def heavy_image() -> Iterator[str]:
    """The function image of examples/heavy, built from this tree and removed afterwards."""
    build = subprocess.run(["scripts/build", "--base", BASE, "--function", "examples/heavy"],
                           cwd=REPO, env={**os.environ, "LAMBDAFLOW_IMAGE": TAG},
                           capture_output=True, text=True, timeout=1200, check=False)
    assert build.returncode == 0, build.stderr[-3000:]
    try:
        yield TAG
    finally:
        podman("rmi", "-f", TAG)


def test_heavy_through_podman(heavy_image: str) -> None:
    run = bench("heavy", "--image", heavy_image, "--invokes", "4")
    assert run.returncode == 0, run.stderr
    assert "## heavy (podman)" in run.stdout
    assert "| joined rows | 5 |" in run.stdout
    left = podman("ps", "-a", "-q", "--filter", f"ancestor={heavy_image}")
    assert left.stdout.strip() == ""


def test_peers_need_a_local_backend(heavy_image: str) -> None:
    assert bench("heavy", "--image", heavy_image, "--peers").returncode == 2
