"""The emulator latency benchmark runs end to end and prints every figure it promises."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.bench.conftest import REPO


def test_latency_bench_prints_percentiles_cpu_and_the_floor() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "emulator-latency",
            "--invokes",
            "50",
            "--warmup",
            "5",
            "--rounds",
            "1",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    rows = re.findall(
        r"^(.+?)\s+p50 +([\d.]+) us +p90 +([\d.]+) us +p99 +([\d.]+) us +max +([\d.]+) us +"
        r"(\d+) invokes/s +server CPU +([\d.]+) us/invoke$",
        result.stdout,
        re.MULTILINE,
    )
    names = [row[0].strip() for row in rows]
    assert names == [
        "emulator + raw-socket runtime",
        "emulator + http.client runtime",
        "plain HTTP echo floor",
    ]
    for row in rows:
        p50, p90, p99, most = map(float, row[1:5])
        assert 0 < p50 <= p90 <= p99 <= most
    assert re.search(r"^headline p50 \d+ us .* [\d.]+x the echo floor$", result.stdout, re.M)
