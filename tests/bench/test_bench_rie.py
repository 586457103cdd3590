"""`--rie PATH` / LAMBDAFLOW_RIE: the benchmark drives an RIE-style binary by its command line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bench.backends import RieBackend
from bench.runner import run_workload
from bench.workloads import END_TO_END
from tests.bench.conftest import REPO
from tests.bench.test_bench_cli import bench


@pytest.fixture
def rie_binary(tmp_path: Path) -> str:
    """An executable named like the RIE that runs tests/bench/rie_standin.py."""
    path = tmp_path / "aws-lambda-rie"
    standin = Path(__file__).with_name("rie_standin.py")
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{standin}" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_rie_backend_runs_and_joins(rie_binary: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:1")  # must not reach the RIE
    run = run_workload(RieBackend(rie_binary), END_TO_END.lambdaflow_command(), END_TO_END, 4)
    assert run.backend == "aws-lambda-rie"
    assert run.failed == 0
    assert len(run.joined.rows) == 4 and run.joined.unjoined == 0


def test_rie_from_environment(rie_binary: str) -> None:
    env = {**os.environ, "LAMBDAFLOW_RIE": rie_binary}
    run = subprocess.run([sys.executable, "-m", "bench", "end-to-end", "--invokes", "3"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=240,
                         check=False)
    assert run.returncode == 0, run.stderr
    assert "## end-to-end (aws-lambda-rie)" in run.stdout
    assert "(no RESPONSE lines from this backend" in run.stdout  # the RIE prints none
    assert "| response_ms (emulator) |" not in run.stdout
    assert bench("end-to-end", "--rie", rie_binary, "--invokes", "2").returncode == 0
