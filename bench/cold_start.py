"""Cold start: process spawn to the runtime's first /next, for lambdaflow and its baselines.

`python -m bench cold-start [--rounds N]`. Two figures: wall time from spawn to the first /next,
and the CPU time the process spent until then (from /proc/PID/schedstat, which load from other
processes on a shared machine does not inflate). Rows, each the median of N interleaved spawns:
- python + raw /next: the interpreter's floor (no imports beyond socket);
- deps + raw /next: the same after `import attrs, cattrs, ujson, urllib3, loguru`;
- awslambdaric and lambdaflow serving the echo function.
lambdaflow's own cost is its row minus the deps row: everything lambdaflow adds (its modules,
loading the App, registration, logger set-up, the connection) beyond importing what it needs.
The repo's modules are byte-compiled first, as in a deployed image (pip compiles the deps).
"""

from __future__ import annotations

import argparse
import compileall

from .stub_runs import PYTHON, REPO, RUNTIMES, median, print_table, run_against_stub

_RAW_NEXT = (
    "import os, socket; host, port = os.environ['AWS_LAMBDA_RUNTIME_API'].split(':'); "
    "s = socket.create_connection((host, int(port))); "
    "s.sendall(b'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'); "
    "s.recv(1)"
)
DEPENDENCIES = "attrs, cattrs, ujson, urllib3, loguru"
DEPS_ROW = "deps + raw /next"
CANDIDATES: dict[str, list[str]] = {
    "python + raw /next": [PYTHON, "-c", _RAW_NEXT],
    DEPS_ROW: [PYTHON, "-c", f"import {DEPENDENCIES}; {_RAW_NEXT}"],
    **RUNTIMES,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench cold-start", description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--core", type=int, default=0, help="CPU to pin processes to")
    args = parser.parse_args(argv)

    for package in ("lambdaflow", "examples", "bench"):
        compileall.compile_dir(REPO / package, quiet=1)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in CANDIDATES}
    for _ in range(args.rounds):
        for name, command in CANDIDATES.items():
            runs[name].append(run_against_stub(command, core=args.core))

    figures = ("cpu_to_first_next_ms", "spawn_to_first_next_ms")
    medians = {
        name: {key: median([r[key] for r in results]) for key in figures}
        for name, results in runs.items()
    }
    print(f"spawn -> first /next, median of {args.rounds} interleaved rounds, pinned to core "
          f"{args.core}\n")
    rows = []
    for name in CANDIDATES:
        row = [name]
        for key in figures:
            value = medians[name][key]
            row += [
                f"{value:.1f}",
                f"{value / medians['awslambdaric'][key]:.2f}x",
                f"{value - medians[DEPS_ROW][key]:+.1f}",
            ]
        rows.append(row)
    print_table(
        ["process", "CPU ms", "vs awslambdaric", "beyond deps", "wall ms", "vs awslambdaric",
         "beyond deps"],
        rows,
    )
    own = {key: medians["lambdaflow"][key] - medians[DEPS_ROW][key] for key in figures}
    print(f"\nlambdaflow's own cost beyond importing its dependencies: "
          f"{own['cpu_to_first_next_ms']:.1f} ms CPU, {own['spawn_to_first_next_ms']:.1f} ms wall")
    return 0
