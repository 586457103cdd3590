"""Shutdown with real signals: hooks run in order within Lambda's budget, then exit 0."""

from __future__ import annotations

import signal
import time

import pytest

HOOKS_APP = """
import threading, time
from lambdaflow import App, logger

app = App()

@app.handler
def handle(event: dict) -> dict:
    if event.get("sleep"):
        logger.info("handler.started")
        time.sleep(event["sleep"])
    if event.get("leak_thread"):
        threading.Thread(target=time.sleep, args=(3600,)).start()  # non-daemon, never ends
    return {"ok": True}

@app.shutdown
def first() -> None:
    logger.info("hook.first")

@app.shutdown
def broken() -> None:
    raise RuntimeError("cannot close")

@app.shutdown
def last() -> None:
    logger.info("hook.last")
"""


def _wait_registered(api) -> None:
    assert api.extension_waiting.wait(20), "the shutdown extension never parked event/next"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_runs_every_hook_in_order_and_exits_zero(api, start_runtime, signum):
    runtime = start_runtime(HOOKS_APP)
    assert api.invoke(b"{}").json() == {"ok": True}
    _wait_registered(api)
    assert api.extension_names == ["lambdaflow"]
    runtime.process.send_signal(signum)
    assert runtime.wait(10) == 0
    messages = [r["message"] for r in runtime.json_lines()]
    tail = messages[messages.index("runtime.shutdown") :]
    assert tail == ["runtime.shutdown", "hook.first", "shutdown.hook_failed", "hook.last"]
    [failed] = runtime.records("shutdown.hook_failed")
    assert failed["hook"] == "fn.broken" and failed["exception"]["message"] == "cannot close"
    assert runtime.records("runtime.shutdown")[0]["signal"] == signum.name


def test_invocation_in_progress_is_answered_before_shutdown(api, start_runtime):
    runtime = start_runtime(HOOKS_APP)
    rid = api.queue_event(b'{"sleep": 0.3}')
    runtime.wait_for_record("handler.started")
    runtime.process.send_signal(signal.SIGTERM)
    assert api.wait_for(rid).json() == {"ok": True}
    assert runtime.wait(10) == 0
    messages = [r["message"] for r in runtime.json_lines()]
    assert messages.index("invocation.metrics") < messages.index("runtime.shutdown")


def test_signal_while_an_event_arrives_loses_nothing(api, start_runtime):
    """SIGTERM after /next's reply started but before its body is in: it is served."""
    runtime = start_runtime(HOOKS_APP)
    api.invoke(b"{}")
    _wait_registered(api)
    rid = api.queue_event(b'{"sleep": 0}', fault="trickle")
    assert api.trickling.wait(20)
    runtime.process.send_signal(signal.SIGTERM)
    assert api.wait_for(rid).json() == {"ok": True}
    assert runtime.wait(10) == 0


def test_overrunning_hook_is_cut_off_and_later_hooks_are_reported_skipped(api, start_runtime):
    runtime = start_runtime("""
        import time
        from lambdaflow import App, logger
        app = App()

        @app.handler
        def handle(event):
            return event

        @app.shutdown
        def slow() -> None:
            time.sleep(30)

        @app.shutdown
        def never_reached() -> None:
            logger.info("hook.never_reached")
    """)
    api.invoke(b"{}")
    _wait_registered(api)
    started = time.monotonic()
    runtime.process.send_signal(signal.SIGTERM)
    assert runtime.wait(10) == 0
    assert time.monotonic() - started < 5, "the process outlived its shutdown budget"
    assert runtime.records("shutdown.hook_overran")[0]["hook"] == "fn.slow"
    assert runtime.records("shutdown.hook_skipped")[0]["hook"] == "fn.never_reached"
    assert not runtime.records("hook.never_reached")


def test_leaked_thread_does_not_keep_the_process_alive(api, start_runtime):
    runtime = start_runtime(HOOKS_APP)
    assert api.invoke(b'{"leak_thread": true}').json() == {"ok": True}
    assert api.invoke(b"{}").json() == {"ok": True}  # the loop carries on beside the thread
    runtime.process.send_signal(signal.SIGTERM)
    assert runtime.wait(10) == 0


def test_refused_registration_warns_once_and_serves(api, start_runtime):
    api.extensions_supported = False
    runtime = start_runtime(HOOKS_APP)
    assert api.invoke(b"{}").json() == {"ok": True}
    [warning] = runtime.wait_for_record("extension.not_registered")
    assert warning["level"] == "WARN" and warning["status"] == 404
    assert "hooks will not run" in warning["consequence"]


def test_no_shutdown_hooks_means_no_extension(api, start_runtime):
    runtime = start_runtime("""
        from lambdaflow import App
        app = App()
        app.handler(lambda event: event)
    """)
    assert api.invoke(b"1").json() == 1
    assert api.extension_names == []
    runtime.process.send_signal(signal.SIGTERM)
    assert runtime.wait(10) == 0
