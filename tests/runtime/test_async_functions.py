"""Async handlers, validates and hooks in process: one loop kept across calls, mixed with sync."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from lambdaflow.framework.app import App
from lambdaflow.framework.context import Context
from lambdaflow.framework.phases import handle
from lambdaflow.observability.metrics_record import SUCCESS
from lambdaflow.observability.timings import Timings
from lambdaflow.runtime.init import initialise
from lambdaflow.runtime.lifecycle import run_shutdown_hooks


def _context(deadline_ms: int = 0) -> Context:
    return Context("req-1", deadline_ms, "", None, None, "fn", "1", "128", "", "")


def test_async_hooks_and_handler_share_one_loop_across_invocations():
    app = App()
    seen: dict[str, object] = {}

    @app.cold_start
    async def connect() -> None:
        seen["loop"] = asyncio.get_running_loop()
        seen["queue"] = asyncio.Queue()  # bound to the loop it was first used on

    @app.validate
    def check(event: dict) -> None:  # sync beside async: an App may mix them
        if "n" not in event:
            raise ValueError("no n")

    @app.handler
    async def handler(event: dict, context: Context) -> dict:
        assert asyncio.get_running_loop() is seen["loop"]
        queue = seen["queue"]
        await queue.put(event["n"])
        return {"n": await queue.get(), "id": context.aws_request_id}

    @app.shutdown
    async def close() -> None:
        seen["closed_on"] = asyncio.get_running_loop()

    plan = initialise(app)
    assert plan.async_handler
    for n in range(3):
        handled = handle(plan, b'{"n": %d}' % n, _context(), Timings(0, 0))
        assert handled.outcome == SUCCESS, handled.error
        assert handled.body == b'{"n":%d,"id":"req-1"}' % n
    assert handle(plan, b"{}", _context(), Timings(0, 0)).outcome == "validation_error"
    run_shutdown_hooks(plan.shutdown, time.monotonic() + 5)
    assert seen["closed_on"] is seen["loop"]


def test_async_handler_error_maps_to_handler_error():
    app = App()

    @app.handler
    async def handler(event: dict) -> dict:
        await asyncio.sleep(0)
        raise KeyError("missing")

    handled = handle(app.plan(), b"{}", _context(), Timings(0, 0))
    assert handled.outcome == "handler_error"
    assert handled.error is not None and handled.error["errorType"] == "KeyError"


def test_async_handler_is_cancelled_at_its_deadline():
    app = App()

    @app.handler
    async def handler(event: dict) -> dict:
        await asyncio.sleep(30)
        return {}

    deadline_ms = int(time.time() * 1000) + 200
    started = time.monotonic()
    handled = handle(app.plan(), b"{}", _context(deadline_ms), Timings(0, 0))
    assert time.monotonic() - started < 5
    assert handled.outcome == "handler_error"
    assert handled.error is not None and handled.error["errorType"] == "DeadlineExceeded"


def test_async_cold_start_failure_is_an_init_error():
    from lambdaflow.errors import InitError

    app = App()

    @app.cold_start
    async def broken() -> None:
        raise RuntimeError("no database")

    app.handler(lambda event: event)
    with pytest.raises(InitError, match="broken failed: no database"):
        initialise(app)


@pytest.mark.parametrize(("asynchronous", "imported"), [(False, False), (True, True)])
def test_asyncio_is_imported_only_by_an_app_with_an_async_function(asynchronous, imported):
    keyword = "async " if asynchronous else ""
    script = (
        "import sys\nfrom lambdaflow.framework.app import App\napp = App()\n"
        f"@app.cold_start\n{keyword}def hook():\n    pass\n"
        "app.handler(lambda event: event)\n"
        "print('asyncio' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == str(imported)


def test_a_sync_app_has_not_imported_asyncio_by_its_first_handler_call(api, start_runtime):
    start_runtime("""
import sys
from lambdaflow import App

app = App()

@app.handler
def handle(event: dict) -> dict:
    return {"asyncio": "asyncio" in sys.modules}
""")
    assert api.invoke(b"{}").json() == {"asyncio": False}
