"""The emulator latency benchmark runs end to end and prints every figure it promises."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bench.rie_binary import find_rie
from tests.bench.conftest import REPO

RIE_BINARY = find_rie()  # ../shared/tools, LAMBDAFLOW_RIE, or the aws-sam-cli wheel's
_ROW = re.compile(
    r"^(.+?)\s+p50 +([\d.]+) us +p90 +([\d.]+) us +p99 +([\d.]+) us +max +([\d.]+) us +"
    r"(\d+) invokes/s +server CPU +([\d.]+) us/invoke$",
    re.MULTILINE,
)


def run_bench(*options: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "emulator-latency", *options],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_latency_bench_prints_percentiles_cpu_and_the_floor() -> None:
    stdout = run_bench("--invokes", "50", "--warmup", "5", "--rounds", "1")
    rows = _ROW.findall(stdout)
    names = [row[0].strip() for row in rows]
    assert names == [
        "emulator + raw-socket runtime",
        "emulator + http.client runtime",
        "plain HTTP echo floor",
    ]
    for row in rows:
        p50, p90, p99, most = map(float, row[1:5])
        assert 0 < p50 <= p90 <= p99 <= most
    assert re.search(r"^headline p50 \d+ us, [\d.]+x the echo floor$", stdout, re.M)


@pytest.mark.skipif(RIE_BINARY is None, reason="no RIE: see bench/rie_binary.py")
def test_the_real_rie_is_measured_in_the_same_run() -> None:
    stdout = run_bench(
        "--invokes", "50", "--warmup", "5", "--rounds", "1", "--rie", str(RIE_BINARY)
    )
    assert "AWS RIE + raw-socket runtime" in [row[0].strip() for row in _ROW.findall(stdout)]
    ratio = r"[\d.]+x the RIE's \(bar <= [\d.]+x: (met|NOT met)\)"
    assert re.search(
        rf"^emulator vs the real RIE, same runtime: p50 {ratio}, p99 {ratio}$", stdout, re.M
    )


def test_idle_connection_memory_is_measured() -> None:
    stdout = run_bench("--idle-connections", "50")
    match = re.search(
        r"^round 2: emulator RSS ([\d.]+) MiB before, ([\d.]+) MiB with 50 idle connections "
        r"\((-?\d+) bytes each\), ([\d.]+) MiB after they closed$",
        stdout,
        re.M,
    )
    assert match, stdout
    assert float(match.group(1)) > 5
