"""Per-invocation cost of the runtime loop: lambdaflow vs awslambdaric, same stub, same core.

`python -m bench loop [--invocations N] [--rounds R]`. Both the stub Runtime API and the
runtime run pinned to one core (taskset -c 0), so the figure is the CPU each side spends per
next+response round trip, with no idle core hiding work. Rounds alternate the runtimes so that
drift on a shared machine hits both alike; the medians and their ratio are printed.
"""

from __future__ import annotations

import argparse

from .stub_runs import RUNTIMES, median, print_table, run_against_stub


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench loop", description=__doc__)
    parser.add_argument("--invocations", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--core", type=int, default=0, help="CPU to pin both processes to")
    args = parser.parse_args(argv)

    samples: dict[str, list[float]] = {name: [] for name in RUNTIMES}
    for round_number in range(1, args.rounds + 1):
        for name, command in RUNTIMES.items():
            result = run_against_stub(command, warmup=args.warmup, core=args.core,
                                      invocations=args.invocations)
            samples[name].append(result["us_per_invoke"])
            print(f"round {round_number}: {name:12s} {result['us_per_invoke']:7.1f} us/invoke",
                  flush=True)

    peer = median(samples["awslambdaric"])
    print(f"\n{args.invocations} invocations x {args.rounds} rounds, stub and runtime on core "
          f"{args.core}; lambdaflow: typed Input/Output + validate + metrics line\n")
    print_table(
        ["runtime", "us/invoke (median)", "min", "max", "vs awslambdaric"],
        [
            [name, f"{median(values):.1f}", f"{min(values):.1f}", f"{max(values):.1f}",
             f"{median(values) / peer:.2f}x"]
            for name, values in samples.items()
        ],
    )
    return 0
