"""`python -m bench http` runs end to end on a tiny budget: both sides of each race answer the
same events the same way (checked before timing), and the bars are printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bench", "http", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_routing_and_asgi_races() -> None:
    out = run("--rounds", "1", "--batch", "20", "--only", "routing")
    assert "Powertools APIGatewayHttpResolver" in out
    assert "bar: Router per request" in out
    out = run("--rounds", "1", "--batch", "20", "--only", "asgi")
    assert "ASGI, Starlette: Mangum" in out
    assert "bar: ASGI bridge per request" in out


def test_cold_start() -> None:
    out = run("--cold-rounds", "1", "--only", "cold", "--core", "0")
    assert "| 20-route Router |" in out
    assert "| single handler, APIGatewayProxyEventV2 event |" in out
    assert "bar: 20-route cold start" in out


def test_the_races_compare_like_with_like() -> None:
    from bench import http_apps
    from bench.http_bench import _check_same_answers

    plan = http_apps.routes_app.plan()
    _check_same_answers(plan.handler, http_apps.powertools_routes().resolve, http_apps.EVENTS)
