"""`python -m bench SUBCOMMAND [ARGS]`: dispatch to a benchmark module's `main(argv)`.

Modules are imported only when their subcommand runs, so one missing or broken benchmark fails
only itself; `--help` reads their docstrings from the source instead.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

SUBCOMMANDS = {
    "end-to-end": "bench.end_to_end",
    "heavy": "bench.heavy",
    "loop": "bench.loop_cost",
    "cold-start": "bench.cold_start",
    "emulator-latency": "bench.emulator_latency",
    "soak": "bench.soak",
    "streaming": "bench.stream_bench",
    "concurrency": "bench.concurrency_bench",
    "http": "bench.http_bench",
    "emf": "bench.emf_bench",
    "events": "bench.events_bench",
    "hostile": "bench.hostile",
    "log-call": "bench.log_call",
    "billed": "bench.billed",
}
USAGE = "usage: python -m bench {" + ",".join(SUBCOMMANDS) + "} [ARGS...] | --help"


def help_text() -> str:
    """The usage, then each subcommand with its module's docstring (first paragraph), read from
    the source: nothing is imported, and no second description can drift from the module's."""
    width = max(map(len, SUBCOMMANDS))
    lines = [USAGE, "", "subcommands:"]
    for name, module in SUBCOMMANDS.items():
        lines.append(f"  {name:<{width}}  {_summary(module)}")
    return "\n".join(lines)


def _summary(module: str) -> str:
    path = Path(__file__).parent / f"{module.removeprefix('bench.')}.py"
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(docstring.split("\n\n", 1)[0].split())


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(help_text())
        return 0
    if not argv or argv[0] not in SUBCOMMANDS:
        print(USAGE, file=sys.stderr)
        return 2
    module = importlib.import_module(SUBCOMMANDS[argv[0]])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
