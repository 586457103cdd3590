"""Per-invoke latency through lambdaflow's emulator, and the emulator's own CPU per invoke.

``python -m bench emulator-latency [--invokes 5000] [--warmup 300] [--rounds 3]``

One http.client connection (keep-alive) sends sequential invokes to the emulator, which serves
them with a trivial stdlib runtime: ``bench/toys/minimal.py`` (raw socket; the headline
figure) and ``minimal_http_client.py`` (http.client, whose header parsing and two-segment POSTs
add their own cost to every invoke). For a floor, the same client then talks to a plain loopback
HTTP echo server (``bench.toys.echo_server``: one round trip to Python, no runtime hop). The
emulator's CPU is utime+stime from /proc/<pid>/stat around the measured loop. Figures are noisy
on a shared machine: targets run in interleaved rounds and each figure is the median over the
rounds.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNTIMES = {
    "raw-socket runtime": REPO / "bench" / "toys" / "minimal.py",
    "http.client runtime": REPO / "bench" / "toys" / "minimal_http_client.py",
}
INVOKE_PATH = "/2015-03-31/functions/function/invocations"
LISTENING = "listening on http://"
PAYLOAD = b'{"input": "hi"}'
HEADLINE = "emulator + raw-socket runtime"
ECHO_FLOOR = "plain HTTP echo floor"


def _percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def _server(command: list[str]) -> Iterator[tuple[int, int]]:
    """Start a server that announces 'listening on http://HOST:PORT' on stderr; yield pid, port."""
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 30
        line = ""
        while LISTENING not in line and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                raise RuntimeError(f"server exited early: {command}")
        port = int(line.rsplit(":", 1)[1])
        yield process.pid, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _measure(port: int, pid: int, invokes: int, warmup: int) -> dict[str, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    for _ in range(warmup):
        connection.request("POST", INVOKE_PATH, PAYLOAD)
        assert connection.getresponse().read() == PAYLOAD
    samples: list[float] = []
    cpu_before = _cpu_seconds(pid)
    wall_before = time.perf_counter()
    for _ in range(invokes):
        started = time.perf_counter()
        connection.request("POST", INVOKE_PATH, PAYLOAD)
        body = connection.getresponse().read()
        samples.append((time.perf_counter() - started) * 1e6)
        if body != PAYLOAD:
            raise RuntimeError(f"unexpected answer {body[:200]!r}")
    wall = time.perf_counter() - wall_before
    cpu = _cpu_seconds(pid) - cpu_before
    connection.close()
    samples.sort()
    return {
        "p50": _percentile(samples, 0.50),
        "p90": _percentile(samples, 0.90),
        "p99": _percentile(samples, 0.99),
        "max": samples[-1],
        "per_s": invokes / wall,
        "cpu_us": cpu / invokes * 1e6,
    }


def _print_row(name: str, figures: dict[str, float]) -> None:
    print(
        f"{name} p50 {figures['p50']:7.1f} us  p90 {figures['p90']:7.1f} us  "
        f"p99 {figures['p99']:7.1f} us  max {figures['max']:8.1f} us  "
        f"{figures['per_s']:7.0f} invokes/s  server CPU {figures['cpu_us']:6.1f} us/invoke"
    )


def _targets() -> dict[str, list[str]]:
    python = sys.executable
    targets = {
        f"emulator + {name}": [
            python,
            "-m",
            "lambdaflow.emulator",
            "--port",
            "0",
            "--",
            python,
            str(runtime),
        ]
        for name, runtime in RUNTIMES.items()
    }
    targets[ECHO_FLOOR] = [python, "-m", "bench.toys.echo_server"]
    return targets


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench emulator-latency", description=__doc__)
    parser.add_argument("--invokes", type=int, default=5000, help="measured invokes per run")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="runs of every target, interleaved; each figure is the median over the rounds",
    )
    args = parser.parse_args(argv)
    print(
        f"{args.invokes} sequential invokes over one keep-alive connection, payload {PAYLOAD!r}, "
        f"median of {args.rounds} interleaved rounds"
    )
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in _targets()}
    for _ in range(args.rounds):
        for name, command in _targets().items():
            with _server(command) as (pid, port):
                runs[name].append(_measure(port, pid, args.invokes, args.warmup))
    rows = {
        name: {key: statistics.median(run[key] for run in results) for key in results[0]}
        for name, results in runs.items()
    }
    width = max(len(name) for name in rows)
    for name, figures in rows.items():
        _print_row(name.ljust(width), figures)
    headline = rows[HEADLINE]["p50"]
    per_round = ", ".join(f"{run['p50']:.0f}" for run in runs[HEADLINE])
    print(f"headline p50 per round: {per_round} us")
    print(
        f"headline p50 {headline:.0f} us (bar <= 400 us; real RIE ~480 us here), "
        f"{headline / rows[ECHO_FLOOR]['p50']:.2f}x the echo floor"
    )
    return 0
