"""Per-invoke latency through lambdaflow's emulator, and the emulator's own CPU per invoke.

``python -m bench emulator-latency [--invokes 5000] [--warmup 300] [--rounds 3] [--rie PATH]``
``python -m bench emulator-latency --idle-connections 3000``

One http.client connection (keep-alive) sends sequential invokes to the emulator, which serves
them with a trivial stdlib runtime: ``bench/toys/minimal.py`` (raw socket; the headline
figure) and ``minimal_http_client.py`` (http.client, whose header parsing and two-segment POSTs
add their own cost to every invoke). For a floor, the same client then talks to a plain loopback
HTTP echo server (``bench.toys.echo_server``: one round trip to Python, no runtime hop). The
emulator's CPU is utime+stime from /proc/<pid>/stat around the measured loop. Figures are noisy
on a shared machine: targets run in interleaved rounds and each figure is the median over the
rounds.

With ``--rie PATH`` (a build of AWS's Runtime Interface Emulator), the same raw-socket runtime
also runs behind the real RIE in every round, and the emulator's p50 and p99 are given as a
ratio of the RIE's. ``--idle-connections N`` instead measures the emulator's resident memory
with N idle keep-alive connections open, and after they close.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import socket
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
RIE = "AWS RIE + raw-socket runtime"
RIE_BARS = {"p50": 0.8, "p99": 0.6}  # the emulator's figure over the RIE's, at most


def _percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[str], command: list[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {command}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {port}: {command}")


@contextlib.contextmanager
def _server(command: list[str], port: int | None = None) -> Iterator[tuple[int, int]]:
    """Start a server; yield pid, port. Without ``port`` it must announce 'listening on
    http://HOST:PORT' on stderr; with one (the RIE, which announces nothing), it is polled."""
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if port is None else subprocess.DEVNULL,
        text=True,
    )
    try:
        if port is None:
            assert process.stderr is not None
            deadline = time.monotonic() + 30
            line = ""
            while LISTENING not in line and time.monotonic() < deadline:
                line = process.stderr.readline()
                if not line and process.poll() is not None:
                    raise RuntimeError(f"server exited early: {command}")
            port = int(line.rsplit(":", 1)[1])
        else:
            _wait_for_port(port, process, command)
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


Target = tuple[list[str], "int | None"]


def _targets(rie: str | None) -> dict[str, Target]:
    """Each target's command, and its port when it must be given one (the RIE)."""
    python = sys.executable
    targets: dict[str, Target] = {
        f"emulator + {name}": (
            [python, "-m", "lambdaflow.emulator", "--port", "0", "--", python, str(runtime)],
            None,
        )
        for name, runtime in RUNTIMES.items()
    }
    targets[ECHO_FLOOR] = ([python, "-m", "bench.toys.echo_server"], None)
    if rie is not None:
        port = _free_port()
        command = [
            rie,
            "--runtime-interface-emulator-address",
            f"127.0.0.1:{port}",
            "--runtime-api-address",
            f"127.0.0.1:{_free_port()}",
            python,
            str(RUNTIMES["raw-socket runtime"]),
        ]
        targets[RIE] = (command, port)
    return targets


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _settled_rss_kib(pid: int) -> int:
    """RSS once it stops moving (the server accepts and frees asynchronously)."""
    previous, current = -1, _rss_kib(pid)
    for _ in range(50):
        if current == previous:
            break
        time.sleep(0.2)
        previous, current = current, _rss_kib(pid)
    return current


def idle_connections(count: int, rounds: int = 2) -> int:
    """The emulator's RSS with ``count`` idle connections open, and after they close; a second
    round shows whether what was kept is reused rather than grown."""
    command, _ = _targets(None)[HEADLINE]
    with _server(command) as (pid, port):
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.request("POST", INVOKE_PATH, PAYLOAD)  # the runtime is up: count only us
        connection.getresponse().read()
        before = _settled_rss_kib(pid)
        for round_number in range(1, rounds + 1):
            sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
            during = _settled_rss_kib(pid)
            for sock in sockets:
                sock.close()
            after = _settled_rss_kib(pid)
            per_connection = (during - before) / count * 1024
            print(
                f"round {round_number}: emulator RSS {before / 1024:.1f} MiB before, "
                f"{during / 1024:.1f} MiB with {count} idle connections "
                f"({per_connection:.0f} bytes each), {after / 1024:.1f} MiB after they closed"
            )
        connection.close()
    return 0


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
    parser.add_argument("--rie", metavar="PATH", help="also measure AWS's RIE binary at PATH")
    parser.add_argument(
        "--idle-connections", type=int, metavar="N", help="measure memory per idle connection"
    )
    args = parser.parse_args(argv)
    if args.idle_connections:
        return idle_connections(args.idle_connections)
    print(
        f"{args.invokes} sequential invokes over one keep-alive connection, payload {PAYLOAD!r}, "
        f"median of {args.rounds} interleaved rounds"
    )
    names = list(_targets(args.rie))
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for _ in range(args.rounds):
        for name, (command, port) in _targets(args.rie).items():  # fresh ports each round
            with _server(command, port) as (pid, bound):
                runs[name].append(_measure(bound, pid, args.invokes, args.warmup))
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
        f"headline p50 {headline:.0f} us, {headline / rows[ECHO_FLOOR]['p50']:.2f}x the echo floor"
    )
    if RIE in rows:
        ratios = {key: rows[HEADLINE][key] / rows[RIE][key] for key in RIE_BARS}
        verdicts = ", ".join(
            f"{key} {ratio:.2f}x the RIE's (bar <= {RIE_BARS[key]}x: "
            f"{'met' if ratio <= RIE_BARS[key] else 'NOT met'})"
            for key, ratio in ratios.items()
        )
        print(f"emulator vs the real RIE, same runtime: {verdicts}")
    return 0
