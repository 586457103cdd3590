"""Managed Instances concurrency: an I/O-bound handler at N slots with N concurrent callers.

`python -m bench concurrency [--slots 16] [--invocations 2000]`. For lambdaflow async (tasks on
one loop), lambdaflow sync (N forked workers), awslambdaric's multi-concurrent runner (N forked
processes, each initialising the function) and sequential lambdaflow (N = 1), in one run against
one in-process Runtime API that serves concurrent /next (bench/toys/concurrent_runtime_api.py):
- spawn -> ready: from starting the runtime to N /next calls waiting at once;
- invocations/s over the measured invocations, every answer checked to be its caller's own;
- memory: the sum of PSS (/proc/PID/smaps_rollup) over the runtime's processes, after the run.
The bars are issue 14's; sequential runs fewer invocations (it does 1 / 0.05 s at best).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.concurrency_handlers import SLEEP_S
from bench.toys.concurrent_runtime_api import ConcurrentRuntimeApi

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
RUNTIMES = {
    "lambdaflow-async": [PYTHON, "-m", "lambdaflow", "bench.concurrency_handlers:async_app"],
    "lambdaflow-sync": [PYTHON, "-m", "lambdaflow", "bench.concurrency_handlers:sync_app"],
    "awslambdaric": [PYTHON, "-m", "awslambdaric",
                     "bench.concurrency_handlers.awslambdaric_sleeping"],
    "lambdaflow-sequential": [PYTHON, "-m", "lambdaflow", "bench.concurrency_handlers:sync_app"],
}
SEQUENTIAL = "lambdaflow-sequential"


def descendants(pid: int) -> list[int]:
    """`pid` and every process under it, from /proc/PID/task/TID/children."""
    found = [pid]
    for current in found:
        for task in os.listdir(f"/proc/{current}/task"):
            try:
                children = Path(f"/proc/{current}/task/{task}/children").read_text().split()
            except OSError:
                continue
            found.extend(int(child) for child in children)
    return found


def pss_mib(pid: int) -> float:
    """The sum of PSS over `pid`'s process tree, MiB."""
    total_kib = 0
    for process in descendants(pid):
        try:
            rollup = Path(f"/proc/{process}/smaps_rollup").read_text()
        except OSError:
            continue  # gone meanwhile
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total_kib += int(line.split()[1])
    return total_kib / 1024


def measure(name: str, slots: int, invocations: int, warmup: int) -> dict[str, float]:
    concurrency = 1 if name == SEQUENTIAL else slots
    with ConcurrentRuntimeApi() as api:
        env = {**os.environ, "AWS_LAMBDA_RUNTIME_API": api.address, "PYTHONPATH": str(REPO),
               "AWS_LAMBDA_MAX_CONCURRENCY": str(concurrency),
               "AWS_LAMBDA_FUNCTION_NAME": "concurrency", "AWS_LAMBDA_LOG_LEVEL": "WARN"}
        started = time.perf_counter()
        runtime = subprocess.Popen(RUNTIMES[name], env=env, cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not api.wait_parked(concurrency, timeout=120):
                raise RuntimeError(f"{name}: {api.parked} of {concurrency} slots ready")
            ready_ms = (time.perf_counter() - started) * 1000
            numbers = itertools.count()
            wrong = []

            def caller(count: int) -> None:
                for _ in range(count):
                    n = next(numbers)
                    if json.loads(api.invoke(b'{"n": %d}' % n)) != {"n": n}:
                        wrong.append(n)

            callers = slots
            per_caller, extra = divmod(invocations, callers)
            counts = [per_caller + (index < extra) for index in range(callers)]
            with ThreadPoolExecutor(callers) as pool:
                list(pool.map(caller, [max(1, warmup // callers)] * callers))
                window_started = time.perf_counter()
                list(pool.map(caller, counts))
                window_s = time.perf_counter() - window_started
            if wrong:
                raise RuntimeError(f"{name}: {len(wrong)} callers got another's answer")
            return {"ready_ms": ready_ms, "invocations_per_s": invocations / window_s,
                    "pss_mib": pss_mib(runtime.pid), "processes": len(descendants(runtime.pid))}
        finally:
            for process in reversed(descendants(runtime.pid)):
                os.kill(process, 9)
            runtime.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench concurrency", description=__doc__)
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--invocations", type=int, default=2000)
    parser.add_argument("--sequential-invocations", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=64)
    parser.add_argument("--only", nargs="*", choices=list(RUNTIMES), default=list(RUNTIMES))
    args = parser.parse_args(argv)

    results = {}
    for name in args.only:
        count = args.sequential_invocations if name == SEQUENTIAL else args.invocations
        results[name] = figures = measure(name, args.slots, count, args.warmup)
        print(f"{name:22s} ready {figures['ready_ms']:8.1f} ms  "
              f"{figures['invocations_per_s']:7.1f} inv/s  PSS {figures['pss_mib']:7.1f} MiB  "
              f"({figures['processes']} processes, {count} invocations)", flush=True)
    _print_bars(results, args.slots)
    return 0


def _print_bars(results: dict[str, dict[str, float]], slots: int) -> None:
    peer = results.get("awslambdaric")
    asynchronous = results.get("lambdaflow-async")
    synchronous = results.get("lambdaflow-sync")
    bars = []
    if asynchronous:
        target = 0.9 * slots / SLEEP_S
        bars.append((f"async inv/s >= {target:.0f}", asynchronous["invocations_per_s"] >= target))
    if peer and synchronous:
        bars.append(("sync inv/s >= awslambdaric's",
                     synchronous["invocations_per_s"] >= peer["invocations_per_s"]))
        bars.append((f"sync PSS <= 0.7x awslambdaric's "
                     f"({synchronous['pss_mib'] / peer['pss_mib']:.2f}x)",
                     synchronous["pss_mib"] <= 0.7 * peer["pss_mib"]))
    if peer and asynchronous:
        bars.append((f"async PSS <= 0.3x awslambdaric's "
                     f"({asynchronous['pss_mib'] / peer['pss_mib']:.2f}x)",
                     asynchronous["pss_mib"] <= 0.3 * peer["pss_mib"]))
    if peer:
        for name in ("lambdaflow-async", "lambdaflow-sync"):
            if name in results:
                ratio = results[name]["ready_ms"] / peer["ready_ms"]
                bars.append((f"{name} spawn->ready <= 0.5x awslambdaric's ({ratio:.2f}x)",
                             ratio <= 0.5))
    for label, met in bars:
        print(f"bar: {label}: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
