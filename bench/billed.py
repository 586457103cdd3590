"""Billed Duration refereed by AWS's RIE: a 30 ms sleep and one log line per invocation.

`python -m bench billed --rie PATH [--invocations N] [--rounds R]`. lambdaflow, awslambdaric and
a raw-socket runtime (`bench/toys/sleep_runtime.py`) each run behind their own aws-lambda-rie,
invoked alternately (one invocation each in turn, N per runtime per round, R rounds), so noise
lands on all three alike. The figure is the RIE's REPORT Duration (what Lambda bills: until the
runtime asks for the next event); the first invocation of each runtime (its cold start) is left
out. Bars (issue 20): lambdaflow <= awslambdaric - 0.15 ms, and within 0.2 ms of the raw socket.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

from .backends import RieBackend
from .invoker import Invoker
from .logparse import parse_report
from .stub_runs import REPO, pinned

RUNTIMES = {
    "lambdaflow": [sys.executable, "-m", "lambdaflow", "bench.billed_functions:app"],
    "awslambdaric": [sys.executable, "-m", "awslambdaric",
                     "bench.billed_functions.awslambdaric_handler"],
    "raw socket": [sys.executable, str(REPO / "bench" / "toys" / "sleep_runtime.py")],
}
BAR_BELOW_PEER_MS = 0.15
BAR_ABOVE_FLOOR_MS = 0.2


def _durations(lines: list[str]) -> list[float]:
    reports = [report for report in map(parse_report, lines) if report is not None]
    return [report.duration_ms for report in reports[1:]]  # the first: the cold start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench billed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rie", default=os.environ.get("LAMBDAFLOW_RIE"), required=False,
                        help="aws-lambda-rie binary (or LAMBDAFLOW_RIE)")
    parser.add_argument("--invocations", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--core", type=int, default=0, help="CPU to pin the RIEs and runtimes to")
    args = parser.parse_args(argv)
    if not args.rie:
        parser.error("--rie PATH is required")
    env = {"PYTHONPATH": str(REPO), "LAMBDA_TASK_ROOT": str(REPO),
           "AWS_LAMBDA_FUNCTION_NAME": "bench"}
    durations: dict[str, list[float]] = {name: [] for name in RUNTIMES}
    backend = RieBackend(args.rie)
    for _ in range(args.rounds):
        started = {name: backend.start(pinned(command, args.core), extra_env=env)
                   for name, command in RUNTIMES.items()}
        try:
            invokers = {name: Invoker(running.host, running.port)
                        for name, running in started.items()}
            for _ in range(args.invocations + 1):  # + the cold start, left out
                for name, invoker in invokers.items():
                    result = invoker.invoke(b'{"input": "sleep"}')
                    assert result.status == 200, (name, result)
            for invoker in invokers.values():
                invoker.close()
            for name, running in started.items():
                running.wait_for_stdout(
                    lambda lines: sum("REPORT RequestId" in line for line in lines)
                    > args.invocations, 15)
                durations[name] += _durations(running.stdout_lines())
        finally:
            for running in started.values():
                running.stop()
    print(f"RIE REPORT Duration, 30 ms sleep + one log line, {args.rounds} x {args.invocations} "
          f"invocations each, alternating, pinned to core {args.core} (cold starts left out)\n")
    print("| runtime | n | median ms | mean ms | p90 ms | vs awslambdaric (median) |")
    print("|---|---:|---:|---:|---:|---:|")
    medians = {name: statistics.median(values) for name, values in durations.items()}
    for name, values in durations.items():
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"| {name} | {len(values)} | {medians[name]:.3f} | {statistics.fmean(values):.3f} "
              f"| {p90:.3f} | {medians[name] - medians['awslambdaric']:+.3f} |")
    below = medians["awslambdaric"] - medians["lambdaflow"]
    above = medians["lambdaflow"] - medians["raw socket"]
    print(f"\nbar: lambdaflow {below:.3f} ms below awslambdaric (>= {BAR_BELOW_PEER_MS}): "
          f"{'PASS' if below >= BAR_BELOW_PEER_MS else 'MISS'}")
    print(f"bar: lambdaflow {above:+.3f} ms over the raw socket (<= {BAR_ABOVE_FLOOR_MS}): "
          f"{'PASS' if above <= BAR_ABOVE_FLOOR_MS else 'MISS'}")
    return 0
