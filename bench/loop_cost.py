"""Per-invocation cost of the runtime loop: lambdaflow vs awslambdaric, same stub, same core.

`python -m bench loop [--invocations N] [--rounds R]`. The stub Runtime API and the runtime run
pinned to one core (taskset -c 0). Two figures per run: the runtime process's own CPU time per
invocation (from /proc/PID/schedstat: waiting for the core is excluded, so other load on a
shared machine does not inflate it) and the wall time per next+response round trip (which it
does). Rounds alternate the runtimes, so drift hits both alike; medians and ratios are printed.
"""

from __future__ import annotations

import argparse

from .stub_runs import RUNTIMES, median, print_table, run_against_stub

FIGURES = (
    ("runtime_cpu_us_per_invoke", "runtime CPU us/invoke"),
    ("us_per_invoke", "wall us/invoke"),
    ("stub_cpu_us_per_invoke", "stub CPU us/invoke"),
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench loop", description=__doc__)
    parser.add_argument("--invocations", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--core", type=int, default=0, help="CPU to pin both processes to")
    args = parser.parse_args(argv)

    runs: dict[str, list[dict[str, float]]] = {name: [] for name in RUNTIMES}
    for round_number in range(1, args.rounds + 1):
        for name, command in RUNTIMES.items():
            result = run_against_stub(command, warmup=args.warmup, core=args.core,
                                      invocations=args.invocations)
            runs[name].append(result)
            print(f"round {round_number}: {name:12s} "
                  + "  ".join(f"{label} {result[key]:6.1f}" for key, label in FIGURES),
                  flush=True)

    print(f"\n{args.invocations} invocations x {args.rounds} rounds, stub and runtime pinned to "
          f"core {args.core}; lambdaflow: typed Input/Output + validate + metrics line; "
          "awslambdaric: plain dict handler. Medians.\n")
    peer = {key: median([r[key] for r in runs["awslambdaric"]]) for key, _ in FIGURES}
    rows = []
    for name, results in runs.items():
        row = [name]
        for key, _ in FIGURES:
            value = median([r[key] for r in results])
            row += [f"{value:.1f}", f"{value / peer[key]:.2f}x"]
        rows.append(row)
    header = ["runtime"]
    for _, label in FIGURES:
        header += [label, "vs awslambdaric"]
    print_table(header, rows)
    return 0
