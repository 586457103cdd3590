"""`python -m bench SUBCOMMAND [ARGS]`: dispatch to a benchmark module's `main(argv)`.

Modules are imported only when their subcommand runs, so one missing or broken benchmark fails
only itself. `python -m bench --help` also lists every module of bench/ with the first paragraph
of its docstring, read without importing it: the package's one module map, which cannot drift.
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
    "emf": "bench.emf_bench",
    "events": "bench.events_bench",
}
USAGE = "usage: python -m bench {" + ",".join(SUBCOMMANDS) + "} [ARGS...] | --help"


def module_map() -> dict[str, str]:
    """Dotted name -> first paragraph of the docstring (one line), for every module of bench/."""
    root = Path(__file__).parent
    summaries = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        summaries[name] = " ".join(docstring.split("\n\n", 1)[0].split())
    return summaries


def help_text() -> str:
    summaries = module_map()
    width = max(map(len, [*SUBCOMMANDS, *summaries]))
    lines = [USAGE, "", "subcommands:"]
    lines += [f"  {name:<{width}}  {module}" for name, module in SUBCOMMANDS.items()]
    lines += ["", "modules:"]
    lines += [f"  {name:<{width}}  {summary}" for name, summary in summaries.items()]
    return "\n".join(lines)


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
