"""The cost of one log call in process: `logger.info(message, two fields)`, JSON format.

`python -m bench log-call [--calls N] [--rounds R]`. A child process, pinned to one core, starts
as the runtime does (`runtime_log.start`), points stdout at /dev/null (the write and flush stay
in the figure) and times N calls per round, alternating with its peers in the same process:
- lambdaflow's `logger.info` (its direct line when loguru would only hand it to the sink);
- the same record through loguru and the sink (what `logger.info` cost before issue 20);
- `print(json.dumps(...))` with the same fields, as an awslambdaric function logs.
Medians of the rounds, in microseconds per call, and ratios to loguru's path.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from .stub_runs import REPO, median, pinned

BAR_US = 5.0
CHILD = """
import json, os, sys, time
from lambdaflow.observability import runtime_log
runtime_log.start()
from lambdaflow import logger

null = os.open(os.devnull, os.O_WRONLY)
real_stdout = os.dup(1)
os.dup2(null, 1)
calls, rounds = int(sys.argv[1]), int(sys.argv[2])
options = logger._options


def lambdaflow_info():
    logger.info("order placed", order_id="o-1", amount=3)


def through_loguru():
    logger._log("INFO", False, options, "order placed", (), {"order_id": "o-1", "amount": 3})


def print_json():
    print(json.dumps({"message": "order placed", "order_id": "o-1", "amount": 3}), flush=True)


contenders = {"lambdaflow logger.info": lambdaflow_info, "loguru + sink": through_loguru,
              "print(json.dumps(...))": print_json}
results = {name: [] for name in contenders}
for _ in range(rounds):
    for name, call in contenders.items():
        started = time.perf_counter_ns()
        for _ in range(calls):
            call()
        results[name].append((time.perf_counter_ns() - started) / calls / 1000)
os.write(real_stdout, (json.dumps(results) + "\\n").encode())
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench log-call", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--core", type=int, default=0, help="CPU to pin the process to")
    args = parser.parse_args(argv)
    env = {"PYTHONPATH": str(REPO), "AWS_LAMBDA_FUNCTION_NAME": "bench",
           "AWS_LAMBDA_LOG_FORMAT": "JSON", "PATH": "/usr/bin:/bin"}
    command = pinned([sys.executable, "-c", CHILD, str(args.calls), str(args.rounds)], args.core)
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    results = json.loads(output.splitlines()[-1])
    medians = {name: median(values) for name, values in results.items()}
    peer = medians["loguru + sink"]
    print(f"one call with two fields, JSON to /dev/null, {args.calls} calls x {args.rounds} "
          f"alternating rounds, pinned to core {args.core}; medians (min-max)\n")
    print("| call | us/call | range | vs loguru + sink |")
    print("|---|---:|---:|---:|")
    for name, value in medians.items():
        values = results[name]
        print(f"| {name} | {value:.2f} | {min(values):.2f}-{max(values):.2f} | "
              f"{value / peer:.2f}x |")
    ours = medians["lambdaflow logger.info"]
    print(f"\nbar: one logger.info call with two fields, JSON: {ours:.2f} us (<= {BAR_US:.0f}): "
          f"{'PASS' if ours <= BAR_US else 'MISS'}")
    return 0
