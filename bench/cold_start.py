"""Cold start: process spawn to the first response, for lambdaflow, its floors and its peers.

`python -m bench cold-start [--rounds N]`. Each process serves one event from
`bench.toys.runtime_api_stub` (both pinned to one core) and is measured when it asks for the
second: spawn to its first /next, spawn to its first response, its CPU time until then
(/proc/PID/schedstat, read by the stub as the first response arrives and again at the second
/next: other load on a shared machine does not inflate it as it does wall time) and its resident
set then (so lambdaflow's includes loguru, which its first metrics line loads after the response).
The bars compare with the dependency floor measured in the same run; issue 20's (each typed echo
against its function floor and awslambdaric) are medians of per-round differences and ratios.
Rows, each the median of N rounds that alternate the processes:
- raw-socket floor: the interpreter serving over a raw socket, no imports beyond socket;
- dependency floor: the same after `import attrs, cattrs, ujson, urllib3` (what lambdaflow's
  dependencies cost any runtime built on them); then without urllib3 (what lambdaflow imports
  before its first response when the Runtime API is an IP address, as on Lambda), then with
  loguru;
- awslambdaric with a dict handler, and with Powertools Logger, Metrics and Parser (pydantic),
  a typed event: the stack equivalent to lambdaflow's features;
- lambdaflow serving examples/echo; then the same with AWS_LAMBDA_INITIALIZATION_TYPE=snap-start,
  whose init ends at `restore/next` (the snapshot) and whose row gives restore -> first response;
  then, below the table, the same restored behind the emulator's --snapstart, from its REPORT
  lines (`emulator_snapstart`).

The processes run as in the function image: a venv whose site-packages hold the dependencies as
installed wheels (not this checkout's editable install, whose finder imports pathlib and re at
start-up for every process), the repository's modules byte-compiled beforehand.
"""

from __future__ import annotations

import argparse
import compileall
import operator
import subprocess
import sysconfig
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import emulator_snapstart
from .stub_runs import PYTHON, REPO, median, print_table, run_against_stub

DEPENDENCIES = ("attrs", "cattrs", "ujson", "urllib3")
DEPS_ROW = "dependency floor: attrs, cattrs, ujson, urllib3 + raw socket"
#: What lambdaflow imports of its dependencies before its first response (urllib3 only serves a
#: Runtime API named by host name; Lambda's is an IP address).
USED_DEPS_ROW = "the same without urllib3"
LAMBDAFLOW_ROW = "lambdaflow, README echo"
DATACLASS_ROW = "lambdaflow, dataclass echo"
#: The same function untyped (`bench.dict_echo`), beside awslambdaric's dict handler.
DICT_ROW = "lambdaflow, dict echo"
#: The floors of the two typed functions: Python, the function's own imports, a raw-socket loop.
ATTRS_FLOOR_ROW = "function floor: attrs + raw socket"
DATACLASS_FLOOR_ROW = "function floor: dataclasses + raw socket"
#: The same with the JSON library lambdaflow chose (ujson imports decimal as it loads).
UJSON_FLOOR_ROW = "the same + ujson"
PEER_ROW = "awslambdaric, dict handler"
#: awslambdaric serving the same dataclass function (`cold_start_typed_peer`): like for like.
TYPED_PEER_ROW = "awslambdaric, the dataclass echo by hand"
SNAPSTART_ROW = "lambdaflow, snap-start: restore -> first response"
FLOOR = str(REPO / "bench" / "toys" / "floor.py")
SNAPSTART_ENV = {"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"}
#: lambdaflow's bars (issue 12), against the dependency floor measured in the same run.
BAR_FIRST_RESPONSE_MS = 8.0
BAR_RSS_MIB = 2.0
#: Issue 20's bars: each typed echo's first response over its function floor, the dataclass
#: echo against awslambdaric's dict handler (wall ratio, and RSS over it).
BAR_OVER_FUNCTION_FLOOR_MS = 3.0
BAR_PEER_RATIO = 1.15
BAR_PEER_RSS_MIB = 2.0
#: Each row's results, one per round.
Runs = dict[str, list[dict[str, Any]]]


def _rows(python: str) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Row name -> (command, extra environment)."""
    awslambdaric = [python, "-m", "awslambdaric"]
    lambdaflow = [python, "-m", "lambdaflow", "examples.echo.app:app"]
    return {
        "raw-socket floor": ([python, FLOOR], {}),
        DEPS_ROW: ([python, FLOOR, *DEPENDENCIES], {}),
        USED_DEPS_ROW: ([python, FLOOR, *(d for d in DEPENDENCIES if d != "urllib3")], {}),
        "the same + loguru": ([python, FLOOR, *DEPENDENCIES, "loguru"], {}),
        ATTRS_FLOOR_ROW: ([python, FLOOR, "attrs"], {}),
        DATACLASS_FLOOR_ROW: ([python, FLOOR, "dataclasses"], {}),
        UJSON_FLOOR_ROW: ([python, FLOOR, "dataclasses", "ujson"], {}),
        PEER_ROW: ([*awslambdaric, "bench.cold_start_peers.plain_echo"], {}),
        TYPED_PEER_ROW: ([*awslambdaric, "bench.cold_start_typed_peer.handler"], {}),
        "awslambdaric + Powertools Logger, Metrics, Parser, typed": (
            [*awslambdaric, "bench.cold_start_powertools.handler"], {}
        ),
        LAMBDAFLOW_ROW: (lambdaflow, {}),
        DATACLASS_ROW: ([python, "-m", "lambdaflow", "bench.dataclass_echo:app"], {}),
        DICT_ROW: ([python, "-m", "lambdaflow", "bench.dict_echo:app"], {}),
        SNAPSTART_ROW: (lambdaflow, SNAPSTART_ENV),
    }


def image_like_python(directory: Path) -> str:
    """A venv in `directory` that sees this environment's site-packages as plain path entries
    (a .pth line), so their own .pth files (an editable install's finder) are not run."""
    subprocess.run([PYTHON, "-m", "venv", "--without-pip", str(directory)], check=True)
    paths = sysconfig.get_paths()
    site = Path(sysconfig.get_paths(vars={"base": str(directory)})["purelib"])
    site.mkdir(parents=True, exist_ok=True)
    lines = dict.fromkeys([paths["purelib"], paths["platlib"]])  # ordered, no duplicates
    (site / "dependencies.pth").write_text("".join(f"{line}\n" for line in lines))
    return str(directory / "bin" / "python")


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _medians(results: list[dict[str, Any]]) -> dict[str, float | None]:
    keys = ("spawn_to_first_next_ms", "spawn_to_first_answer_ms", "cpu_to_first_answer_ms",
            "runtime_cpu_ms", "rss_kib", "spawn_to_restore_next_ms", "restore_to_first_answer_ms",
            "cpu_after_restore_ms")
    medians: dict[str, float | None] = {}
    for key in keys:
        values = [r[key] for r in results if r.get(key) is not None]
        medians[key] = median(values) if values else None
    return medians


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench cold-start", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--core", type=int, default=0, help="CPU to pin processes to")
    args = parser.parse_args(argv)

    for package in ("lambdaflow", "examples", "bench"):
        compileall.compile_dir(REPO / package, quiet=1)
    with tempfile.TemporaryDirectory(prefix="lambdaflow-cold-") as directory:
        rows = _rows(image_like_python(Path(directory)))
        runs: Runs = {name: [] for name in rows}
        for _ in range(args.rounds):
            for name, (command, env) in rows.items():
                runs[name].append(run_against_stub(command, warmup=1, core=args.core, env=env))
    medians = {name: _medians(results) for name, results in runs.items()}

    print(f"one event each, median of {args.rounds} alternating rounds, runtime and stub pinned "
          f"to core {args.core}; RSS and CPU at the second /next\n")
    deps = medians[DEPS_ROW]
    table = []
    for name, m in medians.items():
        if name == SNAPSTART_ROW:  # init ends at restore/next; the answer follows the restore
            init, answer = m["spawn_to_restore_next_ms"], m["restore_to_first_answer_ms"]
            beyond = None
        else:
            init, answer = m["spawn_to_first_next_ms"], m["spawn_to_first_answer_ms"]
            beyond = m["cpu_to_first_answer_ms"] - deps["cpu_to_first_answer_ms"]
        table.append([name, _cell(init), _cell(answer), _cell(m["cpu_to_first_answer_ms"]),
                      _cell(beyond), _cell(m["runtime_cpu_ms"]), _cell(m["rss_kib"] / 1024)])
    print_table(["process", "spawn -> first /next ms", "spawn -> first response ms",
                 "CPU to first response ms", "CPU vs dependency floor ms",
                 "CPU to second /next ms", "RSS MiB"], table)
    print(f"\n{SNAPSTART_ROW}: spawn -> restore/next (the init a snapshot would capture), then "
          "the stub's answer to restore/next -> the first response; CPU after the restore to the "
          f"second /next: {_cell(medians[SNAPSTART_ROW]['cpu_after_restore_ms'])} ms")
    print(emulator_snapstart.measure(args.rounds, args.core))
    ours = medians[LAMBDAFLOW_ROW]
    used = medians[USED_DEPS_ROW]
    over_mib = (ours["rss_kib"] - deps["rss_kib"]) / 1024
    print()
    for figure, key in (("wall", "spawn_to_first_answer_ms"), ("CPU", "cpu_to_first_answer_ms")):
        over_ms = ours[key] - deps[key]
        print(f"bar: lambdaflow's first response, {figure}, {over_ms:+.1f} ms over the dependency "
              f"floor (<= +{BAR_FIRST_RESPONSE_MS:.0f}): "
              f"{'PASS' if over_ms <= BAR_FIRST_RESPONSE_MS else 'MISS'}; beyond importing what "
              f"it uses of its dependencies: {ours[key] - used[key]:+.1f} ms")
    print(f"bar: RSS {over_mib:+.1f} MiB over the dependency floor (<= +{BAR_RSS_MIB:.0f}): "
          f"{'PASS' if over_mib <= BAR_RSS_MIB else 'MISS'}; beyond what it uses of them: "
          f"{(ours['rss_kib'] - used['rss_kib']) / 1024:+.1f} MiB (loguru included)")
    _function_floor_bars(runs, medians)
    return 0


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def _paired(runs: Runs, row: str, other: str, key: str, compare: Callable[[float, float], float]
            ) -> float:
    """The median over rounds of `compare(row's figure, other's)` in the same round: the rows of
    a round run back to back, so the machine drifting between rounds (it does, on a shared
    host) cancels out, as it does not between two medians taken apart."""
    return median([compare(ours[key], theirs[key])
                   for ours, theirs in zip(runs[row], runs[other], strict=True)])


def _function_floor_bars(runs: Runs, medians: dict[str, dict[str, float | None]]) -> None:
    """Issue 20: lambdaflow against what the function itself costs, and against awslambdaric."""
    for row, floor_row in ((LAMBDAFLOW_ROW, ATTRS_FLOOR_ROW), (DATACLASS_ROW, DATACLASS_FLOOR_ROW)):
        for figure, key in (("wall", "spawn_to_first_answer_ms"),
                            ("CPU", "cpu_to_first_answer_ms")):
            over = _paired(runs, row, floor_row, key, operator.sub)
            print(f"bar: {row}, first response, {figure}, {over:+.1f} ms over {floor_row} "
                  f"(<= +{BAR_OVER_FUNCTION_FLOOR_MS:.0f}): "
                  f"{_verdict(over <= BAR_OVER_FUNCTION_FLOOR_MS)}")
    for figure, key in (("wall", "spawn_to_first_answer_ms"), ("CPU", "cpu_to_first_answer_ms")):
        ratio = _paired(runs, DATACLASS_ROW, PEER_ROW, key, operator.truediv)
        print(f"bar: {DATACLASS_ROW}, first response, {figure}, {ratio:.2f}x {PEER_ROW} "
              f"(<= {BAR_PEER_RATIO}x): {_verdict(ratio <= BAR_PEER_RATIO)}")
    over_mib = (medians[DATACLASS_ROW]["rss_kib"] - medians[PEER_ROW]["rss_kib"]) / 1024
    print(f"bar: {DATACLASS_ROW}, RSS {over_mib:+.1f} MiB over {PEER_ROW} "
          f"(<= +{BAR_PEER_RSS_MIB:.0f}): {_verdict(over_mib <= BAR_PEER_RSS_MIB)}")
    _like_for_like(runs)


def _like_for_like(runs: Runs) -> None:
    """What the function floor leaves out: the JSON library lambdaflow chose, and the function's
    own `import dataclasses`, which awslambdaric's dict handler never pays."""
    key = "cpu_to_first_answer_ms"
    ujson_cost = _paired(runs, UJSON_FLOOR_ROW, DATACLASS_FLOOR_ROW, key, operator.sub)
    over_ujson_floor = _paired(runs, DATACLASS_ROW, UJSON_FLOOR_ROW, key, operator.sub)
    typed = _paired(runs, DATACLASS_ROW, TYPED_PEER_ROW, key, operator.truediv)
    untyped = _paired(runs, DICT_ROW, PEER_ROW, key, operator.truediv)
    print(f"like for like, CPU: importing ujson costs {ujson_cost:+.1f} ms over "
          f"{DATACLASS_FLOOR_ROW}; {DATACLASS_ROW} is {over_ujson_floor:+.1f} ms over "
          f"{UJSON_FLOOR_ROW} and {typed:.2f}x {TYPED_PEER_ROW}; {DICT_ROW} is {untyped:.2f}x "
          f"{PEER_ROW}")
