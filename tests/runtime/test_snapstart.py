"""SnapStart: before_snapshot hooks, restore/next, a restored process made its own, after_restore
hooks; over real sockets against a real runtime process (the scripted Runtime API holds
restore/next as Lambda holds it across the snapshot)."""

from __future__ import annotations

import json
import textwrap
import time

import pytest

from lambdaflow import App, RegistrationError
from lambdaflow.runtime_api.api_requests import RestoreNextRequest
from lambdaflow.runtime_api.connection import Connection

from .conftest import RuntimeProcess, runtime_env
from .scripted_runtime_api import (
    NEXT_PATH,
    RESTORE_NEXT_PATH,
    RESTORED,
    Peer,
    Request,
    ScriptedApi,
    event_reply,
)

INIT_ERROR_PATH = "/2018-06-01/runtime/init/error"
RESTORE_ERROR_PATH = "/2018-06-01/runtime/restore/error"

#: Each hook appends its name to calls.txt, so the test can read what ran at each stage.
HOOKS_APP = """
import random
from pathlib import Path
from lambdaflow import App

app = App()
calls = Path(__file__).with_name("calls.txt")
predicted = random.Random()

def note(name):
    with calls.open("a") as out:
        out.write(name + "\\n")

@app.cold_start
def warm():
    note("cold_start")

@app.before_snapshot
def first_registered():
    note("before_snapshot:first")

@app.before_snapshot
def second_registered():
    note("before_snapshot:second")
    predicted.setstate(random.getstate())  # what random would draw without a reseed

@app.after_restore
def reconnect():
    note("after_restore:first")

@app.after_restore
def refresh():
    note("after_restore:second")

@app.handler
def handle(event):
    return [random.random(), predicted.random()]
"""

SNAP_START = {"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"}


@pytest.fixture
def run(tmp_path):
    started: list[RuntimeProcess] = []

    def start(api: ScriptedApi, source: str = HOOKS_APP, **env: str) -> RuntimeProcess:
        (tmp_path / "fn.py").write_text(textwrap.dedent(source))
        runtime = RuntimeProcess("fn:app", tmp_path, runtime_env(api.address, **env))
        started.append(runtime)
        return runtime

    yield start
    for runtime in started:
        runtime.stop()


def _calls(tmp_path) -> list[str]:
    path = tmp_path / "calls.txt"
    return path.read_text().split() if path.exists() else []


def _with_hook(body: str, role: str) -> str:
    return HOOKS_APP + f"\n@app.{role}\ndef broken():\n    {body}\n"


def test_hooks_run_around_the_snapshot_in_their_orders(run, tmp_path):
    with ScriptedApi() as api:
        api.restore.clear()  # the "snapshot": restore/next is held
        api.events.put(event_reply(b"r-1", b'"x"'))
        run(api, **SNAP_START)
        api.wait_for(lambda requests: RESTORE_NEXT_PATH in api.paths())
        assert _calls(tmp_path) == [
            "cold_start", "before_snapshot:second", "before_snapshot:first",
        ]
        time.sleep(0.2)  # nothing else may happen while the environment is "snapshotted"
        assert NEXT_PATH not in api.paths()
        assert _calls(tmp_path)[-1] == "before_snapshot:first"
        api.restore.set()
        [answer] = api.wait_for_answers(1)
        assert _calls(tmp_path)[3:] == ["after_restore:first", "after_restore:second"]
        paths = api.paths()
        assert paths.index(RESTORE_NEXT_PATH) < paths.index(NEXT_PATH)
        drawn, without_reseed = json.loads(answer.body)
        assert drawn != without_reseed  # random was reseeded after the restore


def test_without_snap_start_no_snapshot_hook_runs_and_restore_is_never_asked(run, tmp_path):
    with ScriptedApi() as api:
        api.events.put(event_reply(b"r-1", b'"x"'))
        run(api)
        api.wait_for_answers(1)
        assert RESTORE_NEXT_PATH not in api.paths()
        assert _calls(tmp_path) == ["cold_start"]


def test_a_failing_before_snapshot_hook_is_an_init_error_and_exit_64(run, tmp_path):
    with ScriptedApi() as api:
        runtime = run(api, _with_hook("raise ConnectionError('db down')", "before_snapshot"),
                      **SNAP_START)
        assert runtime.wait() == 64
        assert INIT_ERROR_PATH in api.paths()
        assert RESTORE_NEXT_PATH not in api.paths() and NEXT_PATH not in api.paths()
        [posted] = [r for r in api.requests if r.path == INIT_ERROR_PATH]
        assert posted.headers["lambda-runtime-function-error-type"] == (
            "Runtime.BeforeSnapshotError"
        )
        body = json.loads(posted.body)
        assert body["errorType"] == "Runtime.BeforeSnapshotError"
        assert body["errorMessage"] == "before_snapshot hook fn.broken failed: db down"
        assert any("raise ConnectionError" in line for line in body["stackTrace"])
        # registered last, so it ran first: the others did not run
        assert _calls(tmp_path) == ["cold_start"]


def test_a_failing_after_restore_hook_is_a_restore_error_and_exit_65(run, tmp_path):
    with ScriptedApi() as api:
        api.events.put(event_reply(b"r-1", b'"x"'))
        runtime = run(api, _with_hook("raise SystemExit(3)", "after_restore"), **SNAP_START)
        assert runtime.wait() == 65
        assert NEXT_PATH not in api.paths()
        [posted] = [r for r in api.requests if r.path == RESTORE_ERROR_PATH]
        assert posted.headers["lambda-runtime-function-error-type"] == "Runtime.AfterRestoreError"
        body = json.loads(posted.body)
        assert body["errorType"] == "Runtime.AfterRestoreError"
        assert body["errorMessage"] == "after_restore hook fn.broken failed: 3"
        assert _calls(tmp_path)[-2:] == ["after_restore:first", "after_restore:second"]
        [record] = runtime.records("restore.error")
        assert record["error_type"] == "Runtime.AfterRestoreError"


def test_a_connection_closed_right_after_the_restore_is_replaced_and_the_event_served(run):
    def close_after_restore(api: ScriptedApi, peer: Peer, request: Request) -> None:
        api.serve(peer, request)
        if request.path == RESTORE_NEXT_PATH:
            peer.close()  # the restored environment's connection is gone

    slow_hook = _with_hook("time.sleep(0.3)", "after_restore").replace(
        "import random", "import random, time"
    )
    with ScriptedApi(close_after_restore) as api:
        api.events.put(event_reply(b"r-1", b'"x"'))
        api.events.put(event_reply(b"r-2", b'"y"'))
        runtime = run(api, slow_hook, **SNAP_START)
        answers = api.wait_for_answers(2)
        assert [a.answer_id for a in answers] == ["r-1", "r-2"]
        [restore] = [r for r in api.requests if r.path == RESTORE_NEXT_PATH]
        [first_next, *_] = [r for r in api.requests if r.path == NEXT_PATH]
        assert first_next.connection != restore.connection
        runtime.wait_for_record("invocation.metrics", count=2)
        # replaced before it was used: no failed request, no retry (nor its backoff)
        assert not runtime.records("runtime_api.retry")


def test_a_connection_cut_during_the_snapshot_asks_again_and_is_served(run):
    def cut_first_restore(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.path == RESTORE_NEXT_PATH and peer.number == 1:
            peer.close()  # no reply on the connection held across the snapshot
            return
        api.serve(peer, request)

    with ScriptedApi(cut_first_restore) as api:
        api.events.put(event_reply(b"r-1", b'"x"'))
        run(api, **SNAP_START)
        [answer] = api.wait_for_answers(1)
        assert answer.answer_id == "r-1"
        restores = [r for r in api.requests if r.path == RESTORE_NEXT_PATH]
        assert [r.connection for r in restores] == [1, 2]


def test_drop_if_closed_drops_a_hung_up_connection_and_keeps_a_live_one():
    hung_up: list[Peer] = []

    def hang_up(api: ScriptedApi, peer: Peer, request: Request) -> None:
        peer.send(RESTORED)
        if peer.number == 2:
            hung_up.append(peer)  # before the close: the client may see the close first
            peer.close()

    with ScriptedApi(hang_up) as api:
        live = Connection(api.address)
        assert live.call(RestoreNextRequest()).status == 200
        time.sleep(0.05)
        assert live.drop_if_closed() is False
        closed = Connection(api.address)
        assert closed.call(RestoreNextRequest()).status == 200
        deadline = time.monotonic() + 5
        while not closed.drop_if_closed():
            assert time.monotonic() < deadline, "the hang-up was never seen"
            time.sleep(0.01)
        assert hung_up
        assert closed.call(RestoreNextRequest()).status == 200  # a new connection, without a retry
        assert [r.connection for r in api.requests] == [1, 2, 3]
        live.close()
        closed.close()


def test_snapshot_hooks_are_checked_at_registration_and_ordered_in_the_plan():
    app = App()
    calls: list[str] = []
    app.handler(lambda event: event)
    for name in ("a", "b", "c"):
        app.before_snapshot(lambda name=name: calls.append(f"before:{name}"))
        app.after_restore(lambda name=name: calls.append(f"after:{name}"))
    plan = app.plan()
    for hook in (*plan.before_snapshot, *plan.after_restore):
        hook()
    assert calls == ["before:c", "before:b", "before:a", "after:a", "after:b", "after:c"]

    app = App()  # the first one's registration closed with its plan
    app.handler(lambda event: event)

    def needs_argument(connection: object) -> None: ...

    for role in ("before_snapshot", "after_restore"):
        with pytest.raises(RegistrationError, match=f"{role} hooks take no arguments"):
            getattr(app, role)(needs_argument)

    async def asynchronous() -> None:  # runs on the process's one event loop, like cold_start
        calls.append("async")

    calls.clear()
    app.before_snapshot(asynchronous)
    app.after_restore(asynchronous)
    plan = app.plan()
    plan.before_snapshot[0]()
    plan.after_restore[-1]()
    assert calls == ["async", "async"]


def test_a_runtime_api_without_restore_next_ends_the_runtime_with_a_reason(run):
    def no_snapstart(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.path == RESTORE_NEXT_PATH:
            peer.send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")
            return
        api.serve(peer, request)

    with ScriptedApi(no_snapstart) as api:
        runtime = run(api, **SNAP_START)
        assert runtime.wait() == 1
        [record] = runtime.records("runtime.exit")
        assert record["reason"] == "restore/next answered 404: not found"
        assert NEXT_PATH not in api.paths()


def test_the_sink_is_loaded_into_the_snapshot_not_after_each_restore(run):
    source = """
import sys
from lambdaflow import App

app = App()

@app.handler
def handle(event):
    return "loguru" in sys.modules
"""
    with ScriptedApi() as api:
        api.events.put(event_reply(b"r-1", b'"x"'))
        run(api, source, **SNAP_START)
        [answer] = api.wait_for_answers(1)
        assert json.loads(answer.body) is True  # (False without SnapStart: test_lazy_logging)
