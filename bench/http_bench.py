"""`python -m bench http`: lambdaflow's HTTP layer against its Python peers (issue 24).

- routing: per-request CPU cost, in process, of the same 20-route API (a typed path parameter
  and a JSON body) on lambdaflow's Router and on Powertools' APIGatewayHttpResolver, serving the
  same HTTP API events, from the decoded event to the answer (lambdaflow's includes serializing
  it to the bytes it posts). Bar: <= 0.3x Powertools.
- cold start: spawn -> first answer of that 20-route app against a single-handler lambdaflow
  app serving the same event with a dict (and, for reference, with the typed
  APIGatewayProxyEventV2), each process importing and initialising its app and answering one
  event in process (`bench.http_cold`); alternating rounds. Bar: <= +3 ms CPU over the dict one.
- asgi: per-request CPU cost of one Starlette app behind lambdaflow's ASGI bridge and behind
  Mangum, the same events. Bar: <= 0.7x Mangum.

Pin it (`taskset -c 0 python -m bench http`) and compare the ratios, measured in one run.
"""

from __future__ import annotations

import argparse
import compileall
import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cold_start import image_like_python
from .stub_runs import REPO, pinned, print_table

BAR_ROUTING = 0.3
BAR_COLD_MS = 3.0
BAR_ASGI = 0.7


def _context() -> Any:
    from lambdaflow.framework.context import Context

    return Context(
        aws_request_id="bench", deadline_ms=int(time.time() * 1000) + 900_000,
        invoked_function_arn="arn:aws:lambda:us-east-1:000000000000:function:bench",
        trace_id=None, tenant_id=None,
        function_name="bench", function_version="$LATEST", memory_limit_in_mb="128",
        log_group_name="/aws/lambda/bench", log_stream_name="bench",
    )


def per_request_us(serve: Callable[[Any, Any], Any], events: tuple[Any, ...], rounds: int,
                   batch: int) -> float:
    """Median over `rounds` of the CPU time of `batch` requests (events in turn), per request."""
    context = _context()
    for event in events * 50:  # warm caches, compiled hooks
        serve(event, context)
    samples = []
    for _ in range(rounds):
        start = time.process_time_ns()
        for _ in range(batch // len(events)):
            for event in events:
                serve(event, context)
        samples.append((time.process_time_ns() - start) / batch / 1000)
    return statistics.median(samples)


def _check_same_answers(ours: Callable[[Any, Any], Any], peer: Callable[[Any, Any], Any],
                        events: tuple[Any, ...]) -> None:
    """Both sides answer each event with the same status and JSON body: a like-for-like race."""
    context = _context()
    for event in events:
        mine = json.loads(ours(event, context))
        theirs = peer(event, context)
        assert mine["statusCode"] == theirs["statusCode"], (mine, theirs)
        assert json.loads(mine["body"]) == json.loads(theirs["body"]), (mine, theirs)


def routing(rounds: int, batch: int) -> tuple[float, float]:
    from . import http_apps

    plan = http_apps.routes_app.plan()
    ours = plan.handler
    peer = http_apps.powertools_routes().resolve
    _check_same_answers(ours, peer, http_apps.EVENTS)
    us_ours = us_peer = 0.0
    ours_samples, peer_samples = [], []
    for _ in range(3):  # alternate, so drift hits both
        ours_samples.append(per_request_us(ours, http_apps.EVENTS, rounds, batch))
        peer_samples.append(per_request_us(peer, http_apps.EVENTS, rounds, batch))
    us_ours, us_peer = statistics.median(ours_samples), statistics.median(peer_samples)
    return us_ours, us_peer


def asgi(rounds: int, batch: int) -> tuple[float, float, float]:
    import warnings

    from mangum import Mangum

    from lambdaflow import App
    from lambdaflow.framework.async_loop import shared
    from lambdaflow.http import asgi as bridge

    from . import http_apps

    starlette = http_apps.starlette_app()
    handler = bridge(starlette, lifespan="off")
    app = App()
    app.handler(handler)
    ours = app.plan().handler
    run = shared().run

    def untimed(event: Any, context: Any) -> Any:
        """The bridge without the per-invocation deadline every async handler gets."""
        return run(handler.handle(event, context))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        peer = Mangum(starlette, lifespan="off")
        _check_same_answers(ours, peer, http_apps.EVENTS)
        samples: dict[str, list[float]] = {"ours": [], "peer": [], "untimed": []}
        for _ in range(3):
            for name, serve in (("ours", ours), ("peer", peer), ("untimed", untimed)):
                samples[name].append(per_request_us(serve, http_apps.EVENTS, rounds, batch))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return medians["ours"], medians["peer"], medians["untimed"]


def cold_start(rounds: int, core: int | None) -> dict[str, dict[str, float]]:
    """App (`bench.http_cold.APPS`) -> {"wall_ms", "cpu_ms"}, medians."""
    for package in ("lambdaflow", "bench"):
        compileall.compile_dir(REPO / package, quiet=1)
    runs: dict[str, list[dict[str, float]]] = {"single": [], "routes": [], "typed": []}
    with tempfile.TemporaryDirectory(prefix="lambdaflow-http-cold-") as directory:
        python = image_like_python(Path(directory))
        for _ in range(rounds):
            for name in runs:
                spawned = time.monotonic_ns()
                out = subprocess.run(
                    pinned([python, "-m", "bench.http_cold", name, str(spawned)], core),
                    cwd=REPO, capture_output=True, text=True, check=True,
                    env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
                ).stdout
                runs[name].append(json.loads(out))
    figures = {}
    for name, results in runs.items():
        figures[name] = {key: statistics.median(r[key] for r in results) for key in results[0]}
        figures[name]["cpu_min_ms"] = min(r["cpu_ms"] for r in results)
    return figures


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench http", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=2000, help="requests per timed sample")
    parser.add_argument("--cold-rounds", type=int, default=21)
    parser.add_argument("--core", type=int, default=0, help="CPU to pin cold starts to")
    parser.add_argument("--only", choices=("routing", "cold", "asgi"))
    args = parser.parse_args(argv)
    rows = []
    bars = []
    if args.only in (None, "routing"):
        ours, peer = routing(args.rounds, args.batch)
        ratio = ours / peer
        rows.append(["routing, 20 routes: lambdaflow Router", f"{ours:.1f}", ""])
        rows.append(["routing, 20 routes: Powertools APIGatewayHttpResolver", f"{peer:.1f}",
                     f"{ratio:.2f}x"])
        bars.append(f"bar: Router per request {ratio:.2f}x Powertools (<= {BAR_ROUTING}x): "
                    f"{_verdict(ratio <= BAR_ROUTING)}")
    if args.only in (None, "asgi"):
        ours, peer, untimed = asgi(args.rounds, args.batch)
        ratio = ours / peer
        rows.append(["ASGI, Starlette: lambdaflow bridge", f"{ours:.1f}", ""])
        rows.append(["ASGI, Starlette: Mangum", f"{peer:.1f}", f"{ratio:.2f}x"])
        rows.append(["ASGI, Starlette: lambdaflow bridge without the invocation deadline timer",
                     f"{untimed:.1f}", f"{untimed / peer:.2f}x"])
        bars.append(f"bar: ASGI bridge per request {ratio:.2f}x Mangum (<= {BAR_ASGI}x): "
                    f"{_verdict(ratio <= BAR_ASGI)}")
    if rows:
        print(f"per request, CPU us, median of {args.rounds} samples of {args.batch} requests "
              "(x3 alternating)\n")
        print_table(["served by", "us/request", "lambdaflow / peer"], rows)
        print()
    if args.only in (None, "cold"):
        cold = cold_start(args.cold_rounds, args.core)
        print(f"cold start, spawn -> first answer in process, median of {args.cold_rounds} "
              f"alternating rounds, pinned to core {args.core}\n")
        labels = {"single": "single handler, dict event (the bar's base)",
                  "typed": "single handler, APIGatewayProxyEventV2 event",
                  "routes": "20-route Router"}
        print_table(["app", "wall ms", "CPU ms", "CPU ms, least"], [
            [label, f"{cold[name]['wall_ms']:.1f}", f"{cold[name]['cpu_ms']:.1f}",
             f"{cold[name]['cpu_min_ms']:.1f}"]
            for name, label in labels.items()
        ])
        over_wall = cold["routes"]["wall_ms"] - cold["single"]["wall_ms"]
        over_cpu = cold["routes"]["cpu_ms"] - cold["single"]["cpu_ms"]
        over_least = cold["routes"]["cpu_min_ms"] - cold["single"]["cpu_min_ms"]
        bars.append(f"bar: 20-route cold start {over_cpu:+.1f} ms CPU (median; least "
                    f"{over_least:+.1f}) over a single handler (<= +{BAR_COLD_MS:.0f}): "
                    f"{_verdict(over_cpu <= BAR_COLD_MS)}; wall {over_wall:+.1f} ms (other load "
                    "on a shared machine inflates wall time)")
        print()
    print("\n".join(bars))
    return 0
