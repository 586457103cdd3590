"""`python -m bench.memtrace module:app`: lambdaflow's CLI under tracemalloc, for `--mem` only.

Tracing slows every allocation, so it lives here and not in the lambdaflow package. On SIGUSR1
the process appends one JSON line (traced bytes now, peak since the last signal, live blocks) to
the file named by BENCH_MEMTRACE_OUT and resets the peak; the benchmark signals it between
batches of invokes, when the runtime is idle in `/next`.
"""

from __future__ import annotations

import json
import os
import runpy
import signal
import sys
import tracemalloc
from types import FrameType

OUT_ENV = "BENCH_MEMTRACE_OUT"


def _dump(signum: int, frame: FrameType | None) -> None:
    current, peak = tracemalloc.get_traced_memory()
    blocks = sum(stat.count for stat in tracemalloc.take_snapshot().statistics("filename"))
    with open(os.environ[OUT_ENV], "a") as out:
        out.write(json.dumps({"current": current, "peak": peak, "blocks": blocks}) + "\n")
    tracemalloc.reset_peak()


def main(argv: list[str]) -> None:
    """Start tracing, then hand over to `python -m lambdaflow ARGS` in this process."""
    if OUT_ENV not in os.environ:
        sys.exit(f"{OUT_ENV} must name the file to append memory figures to")
    tracemalloc.start()
    signal.signal(signal.SIGUSR1, _dump)
    sys.argv = ["lambdaflow", *argv]
    runpy.run_module("lambdaflow", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
