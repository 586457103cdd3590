"""`python -m bench SUBCOMMAND [ARGS]`: dispatch to a benchmark module's `main(argv)`.

Modules are imported only when their subcommand runs, so one missing or broken benchmark fails
only itself.
"""

from __future__ import annotations

import importlib
import sys

SUBCOMMANDS = {
    "end-to-end": "bench.end_to_end",
    "heavy": "bench.heavy",
    "loop": "bench.loop_cost",
    "cold-start": "bench.cold_start",
    "emulator-latency": "bench.emulator_latency",
    "soak": "bench.soak",
    "streaming": "bench.stream_bench",
    "concurrency": "bench.concurrency_bench",
    "log-call": "bench.log_call",
    "billed": "bench.billed",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in SUBCOMMANDS:
        print("usage: python -m bench {" + ",".join(SUBCOMMANDS) + "} [ARGS...]",
              file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    module = importlib.import_module(SUBCOMMANDS[argv[0]])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
