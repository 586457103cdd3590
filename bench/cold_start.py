"""Cold start: process spawn to the runtime's first /next, for lambdaflow and its baselines.

`python -m bench cold-start [--rounds N]`. Rows, each the median of N interleaved spawns:
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
CANDIDATES: dict[str, list[str]] = {
    "python + raw /next": [PYTHON, "-c", _RAW_NEXT],
    "deps + raw /next": [PYTHON, "-c", f"import {DEPENDENCIES}; {_RAW_NEXT}"],
    **RUNTIMES,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench cold-start", description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--core", type=int, default=0, help="CPU to pin processes to")
    args = parser.parse_args(argv)

    for package in ("lambdaflow", "examples", "bench"):
        compileall.compile_dir(REPO / package, quiet=1)
    samples: dict[str, list[float]] = {name: [] for name in CANDIDATES}
    for _ in range(args.rounds):
        for name, command in CANDIDATES.items():
            result = run_against_stub(command, core=args.core)
            samples[name].append(result["spawn_to_first_next_ms"])

    medians = {name: median(values) for name, values in samples.items()}
    deps = medians["deps + raw /next"]
    peer = medians["awslambdaric"]
    print(f"spawn -> first /next, median of {args.rounds} interleaved rounds, pinned to core "
          f"{args.core}\n")
    print_table(
        ["process", "ms (median)", "min", "max", "vs awslambdaric", "beyond deps import"],
        [
            [name, f"{medians[name]:.1f}", f"{min(values):.1f}", f"{max(values):.1f}",
             f"{medians[name] / peer:.2f}x", f"{medians[name] - deps:+.1f} ms"]
            for name, values in samples.items()
        ],
    )
    print(f"\nlambdaflow's own cost beyond importing its dependencies: "
          f"{medians['lambdaflow'] - deps:.1f} ms")
    return 0
