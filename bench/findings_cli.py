"""The command line shared by `python -m bench end-to-end` and `python -m bench heavy`."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.backends import Backend, BackendError, EmulatorBackend, RieBackend
from bench.findings import Findings, RunFacts, breakdown_by_input, build_findings, steady_rows
from bench.memory_runs import render_memory, resident_after, traced_allocation
from bench.peer_handlers import PEER_METRICS_MESSAGE
from bench.peers import PeerComparison
from bench.podman import PodmanBackend
from bench.runner import Contender, RunResult, run_alternating
from bench.tables import render_breakdown, render_findings
from bench.toys.stdlib_runtime import STDLIB_METRICS_MESSAGE
from bench.workloads import Workload

RIE_ENV = "LAMBDAFLOW_RIE"


def _at_least(minimum: int) -> Callable[[str], int]:
    """argparse type: an integer no smaller than `minimum`."""

    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


def build_parser(workload: Workload) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m bench {workload.name}",
        description=f"Invoke {workload.app} through an RIE-compatible backend, join the "
        "backend's REPORT lines with the runtime's invocation.metrics lines, print findings.",
    )
    parser.add_argument("--invokes", type=_at_least(1), default=workload.default_invokes,
                        help="invokes summarised (default %(default)s)")
    parser.add_argument("--warmup", type=_at_least(0), default=1,
                        help="extra first invokes left out of the summaries (default 1: the "
                        "cold start)")
    parser.add_argument("--rie", default=os.environ.get(RIE_ENV),
                        help=f"path to a real aws-lambda-rie binary (or env {RIE_ENV}); with "
                        "--image it is mounted into the container as its entrypoint")
    parser.add_argument("--image", help="podman function image (scripts/build) that holds this "
                        "workload's function; no --peers/--mem")
    parser.add_argument("--peers", action="store_true",
                        help="also serve the workload with awslambdaric and compare")
    parser.add_argument("--mem", action="store_true",
                        help="also measure memory: tracemalloc per invoke, RSS after "
                        "--mem-invokes")
    parser.add_argument("--mem-invokes", type=_at_least(1), default=1000,
                        help="invokes before reading RSS in the --mem run (default %(default)s)")
    parser.add_argument("--out", type=Path, help="write findings and raw joined rows as JSON")
    parser.add_argument("--plot", type=Path, help="write a PNG of the per-phase distributions")
    parser.add_argument("--verbose", action="store_true",
                        help="copy the backend's output to stderr as it runs")
    return parser


def select_backend(args: argparse.Namespace) -> Backend:
    if args.image:
        return PodmanBackend(args.image, rie=args.rie)
    if args.rie:
        return RieBackend(args.rie)
    return EmulatorBackend()


def _findings(title: str, run: RunResult, workload: Workload, warmup: int) -> Findings:
    facts = RunFacts(
        invokes=len(run.results),
        warmup=warmup,
        failed_invokes=run.failed + run.wrong_answers(workload),
        invoke_wall_s=run.invoke_wall_s,
        ready_s=run.ready_s,
        first_invoke_ms=run.results[0].elapsed_ms if run.results else None,
    )
    return build_findings(title, run.backend, run.joined, facts)


def _rows(run: RunResult, workload: Workload, warmup: int) -> list[dict[str, Any]]:
    """Raw joined rows for `--out`, each with its event's input and whether it was warm-up."""
    inputs = run.inputs(workload)
    steady = {row.request_id for row in steady_rows(run.joined, warmup)}
    return [
        {**row.as_dict(), "input": inputs.get(row.request_id),
         "warmup": row.request_id not in steady}
        for row in run.joined.rows
    ]


def _stop_on_signals() -> None:
    """SIGINT and SIGTERM unwind like Ctrl-C, so every backend started is stopped on the way out.

    SIGINT too, explicitly: a process started from a background job inherits SIGINT as
    ignored, and Python then never raises KeyboardInterrupt for it.
    """
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def run_cli(workload: Workload, argv: list[str]) -> int:
    """Parse `argv`, run the benchmark, print the tables; 0 when every invoke was joined."""
    args = build_parser(workload).parse_args(argv)
    if args.image and (args.peers or args.mem):
        print("--peers and --mem need a local backend (emulator or --rie)", file=sys.stderr)
        return 2
    _stop_on_signals()
    try:
        output, healthy = _benchmark(workload, args)
    except BackendError as error:
        print(f"backend failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; backends stopped", file=sys.stderr)
        return 130
    if args.out:
        args.out.write_text(json.dumps(output, indent=2, default=str) + "\n")
        print(f"raw rows written to {args.out}")
    return 0 if healthy else 1


def _benchmark(workload: Workload, args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """Every run the options ask for; the `--out` record and whether all invokes joined."""
    backend = select_backend(args)
    contenders = [Contender(workload.lambdaflow_command())]
    if args.peers:
        contenders += [Contender(command, message) for _, command, message in _peers(workload)]
    run, *peer_runs = run_alternating(backend, contenders, workload,
                                      args.warmup + args.invokes, args.verbose)
    findings, output = _report_lambdaflow(workload, run, args)
    if peer_runs:
        output["peers"] = _report_peers(workload, findings, peer_runs, args.warmup)
    if args.mem:
        output["memory"] = _memory(backend, workload, args)
    healthy = (findings.joined > 0 and not any(findings.unjoined.values())
               and findings.facts.failed_invokes == 0)
    return output, healthy


def _report_lambdaflow(workload: Workload, run: RunResult, args: argparse.Namespace
                       ) -> tuple[Findings, dict[str, Any]]:
    """Findings table, per-input table and (with --plot) the PNG for lambdaflow's run."""
    findings = _findings(workload.name, run, workload, args.warmup)
    print(render_findings(findings, with_bars=workload.name == "heavy"))
    steady = steady_rows(run.joined, args.warmup)
    by_input = breakdown_by_input(steady, run.inputs(workload), workload.inputs)
    print(render_breakdown(by_input))
    if args.plot:
        from bench.plot import plot_phases

        plot_phases(steady, args.plot, f"{workload.name} ({run.backend})")
        print(f"plot written to {args.plot}\n")
    return findings, {"findings": findings.as_dict(), "by_input": by_input,
                      "rows": _rows(run, workload, args.warmup)}


def _report_peers(workload: Workload, findings: Findings, peer_runs: list[RunResult],
                  warmup: int) -> dict[str, Any]:
    """The peers tables; each peer's findings and overhead gap for `--out`."""
    names = [name for name, _, _ in _peers(workload)]
    peers = {name: _findings(f"{workload.name} {name}", peer_run, workload, warmup)
             for name, peer_run in zip(names, peer_runs, strict=True)}
    comparison = PeerComparison(workload.name, findings, peers)
    print(comparison.render())
    return {name: {**peer.as_dict(), "overhead_gap_ms": comparison.overhead_gap_ms(name)}
            for name, peer in peers.items()}


def _peers(workload: Workload) -> list[tuple[str, list[str], str]]:
    """(name, runtime command, metrics message) of each runtime compared under `--peers`."""
    return [
        ("awslambdaric", workload.peer_command(), PEER_METRICS_MESSAGE),
        ("stdlib", workload.stdlib_command(), STDLIB_METRICS_MESSAGE),
    ]


def _memory(backend: Backend, workload: Workload, args: argparse.Namespace) -> dict[str, Any]:
    """The `--mem` runs (traced, then plain for RSS) and their table."""
    traced = traced_allocation(backend, workload, args.invokes, echo=args.verbose)
    commands = [("lambdaflow", workload.lambdaflow_command())]
    if args.peers:
        commands += [(name, command) for name, command, _ in _peers(workload)]
    resident = [resident_after(backend, name, command, workload, args.mem_invokes,
                               echo=args.verbose) for name, command in commands]
    print(render_memory(traced, resident))
    return {"traced": traced.__dict__, "resident": [r.__dict__ for r in resident]}
