"""`python -m bench.memtrace module:app`: lambdaflow's CLI under tracemalloc, for `--mem` only.

Tracing slows every allocation, so it lives here and not in the lambdaflow package. On SIGUSR1
the process appends one JSON line (bytes and blocks held now, peak since the last signal, the
source lines that grew) to the file named by BENCH_MEMTRACE_OUT and resets the peak; the
benchmark signals it between batches of invokes, when the runtime is idle in `/next`.
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
TOP_SITES = 8
_previous: list[tracemalloc.Snapshot] = []


def _growth(snapshot: tracemalloc.Snapshot) -> list[dict[str, object]]:
    """Source lines whose held memory grew most since the previous signal: where it goes."""
    if not _previous:
        return []
    diff = snapshot.compare_to(_previous[-1], "lineno")
    return [{"site": str(stat.traceback[0]), "bytes": stat.size_diff, "blocks": stat.count_diff}
            for stat in diff[:TOP_SITES] if stat.size_diff > 0]


def _dump(signum: int, frame: FrameType | None) -> None:
    """Append the figures; this module's own snapshots are left out of them."""
    peak = tracemalloc.get_traced_memory()[1]
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__)])
    stats = snapshot.statistics("filename")
    record = {
        "traced": sum(stat.size for stat in stats),
        "blocks": sum(stat.count for stat in stats),
        "peak": peak,
        "growth": _growth(snapshot),
    }
    _previous[:] = [snapshot]
    tracemalloc.reset_peak()
    record["idle"] = tracemalloc.get_traced_memory()[0]  # baseline for the next peak
    with open(os.environ[OUT_ENV], "a") as out:
        out.write(json.dumps(record) + "\n")


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
