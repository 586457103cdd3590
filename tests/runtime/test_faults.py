"""Faults injected through real sockets: the loop survives, and no answer is lost or doubled."""

from __future__ import annotations

import socket
import time

import pytest

from .conftest import RuntimeProcess, runtime_env

ECHO_APP = """
import time
from lambdaflow import App, Context

app = App()

@app.handler
def handle(event, ctx: Context):
    if event == "remaining":
        before = time.time() * 1000
        remaining = ctx.get_remaining_time_in_millis()
        return [before, remaining, time.time() * 1000, ctx.deadline_ms]
    return event
"""


def _attempts(api, request_id: str) -> list[tuple[str, int]]:
    return [(p.kind, p.status) for p in api.posts if p.request_id == request_id]


@pytest.mark.parametrize("fault", ["garbage", "drop"])
def test_next_failures_are_retried_on_a_fresh_connection(api, start_runtime, fault):
    runtime = start_runtime(ECHO_APP)
    assert api.invoke(b'"warm"').json() == "warm"
    rid = api.queue_event(b'"after fault"', fault=fault)
    assert api.wait_for(rid).json() == "after fault"
    [retry] = runtime.wait_for_record("runtime_api.retry")
    assert retry["attempt"] == 1 and retry["level"] == "WARN"
    assert retry["problem"].startswith("ProtocolError")
    assert api.invocation_connections == 2


@pytest.mark.parametrize("endpoint", ["next", "response"])
def test_server_error_is_non_recoverable_so_the_runtime_exits(api, start_runtime, endpoint):
    """The Runtime API's contract for 500: "Non-recoverable state. Runtime should exit"."""
    runtime = start_runtime(ECHO_APP)
    if endpoint == "response":
        api.response_status = 500
    api.queue_event(b'"x"', fault="500" if endpoint == "next" else None)
    assert runtime.wait(30) == 1
    [exit_record] = runtime.records("runtime.exit")
    assert "answered 500 (non-recoverable)" in exit_record["reason"]
    assert not runtime.records("runtime_api.retry")


@pytest.mark.parametrize(
    ("fault", "attempts"),
    [
        ("drop_before_read", [("response", 0), ("response", 202)]),
        ("drop_after_record", [("response", 202), ("response", 403)]),
    ],
)
def test_dropped_response_post_yields_exactly_one_answer(api, start_runtime, fault, attempts):
    runtime = start_runtime(ECHO_APP)
    api.faults["response"].append(fault)
    rid = api.queue_event(b'"once"')
    assert api.wait_for(rid).json() == "once"
    assert api.invoke(b'"next"').json() == "next"  # the loop carried on
    assert _attempts(api, rid) == attempts  # one retry, one accepted answer, no error post
    if fault == "drop_after_record":
        # the retry reached a Runtime API that already had the answer: refused, logged
        [refused] = runtime.wait_for_record("invocation.already_answered")
        assert refused["request_id"] == rid and refused["status"] == 403


def test_runtime_api_outage_is_ridden_out_with_backoff(api, start_runtime):
    runtime = start_runtime(ECHO_APP)
    assert api.invoke(b'"before"').json() == "before"
    api.outage(0.3)  # the runtime's parked /next is cut, then its reconnects are refused
    assert api.invoke(b'"after"').json() == "after"
    # the retries are logged before "after" is served, but read from the pipe by a thread
    problems = [r["problem"] for r in runtime.wait_for_record("runtime_api.retry")]
    assert any("refused" in problem for problem in problems), problems
    assert runtime.process.poll() is None


def test_unreachable_runtime_api_exits_non_zero_after_bounded_retries(tmp_path):
    with socket.socket() as placeholder:  # a port nobody listens on
        placeholder.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{placeholder.getsockname()[1]}"
    (tmp_path / "fn.py").write_text(ECHO_APP)
    started = time.monotonic()
    runtime = RuntimeProcess("fn:app", tmp_path, runtime_env(address))
    assert runtime.wait(30) == 1
    assert time.monotonic() - started < 15
    [exit_record] = runtime.records("runtime.exit")
    assert exit_record["level"] == "FATAL" and "failed 8 times" in exit_record["reason"]
    assert len(runtime.records("runtime_api.retry")) == 8


def test_remaining_time_is_right_within_a_millisecond(api, start_runtime):
    start_runtime(ECHO_APP)
    deadline = int(time.time() * 1000) + 12_345
    before, remaining, after, deadline_ms = api.invoke(
        b'"remaining"', {"Lambda-Runtime-Deadline-Ms": str(deadline)}
    ).json()
    assert deadline_ms == deadline
    assert deadline - after - 1 <= remaining <= deadline - before + 1


def test_runtime_api_lost_while_posting_is_an_exit_not_a_function_error(api, start_runtime):
    runtime = start_runtime(ECHO_APP)
    api.faults["response"].extend(["drop_before_read"] * 8)  # every attempt is cut
    api.queue_event(b'"doomed"')
    assert runtime.wait(30) == 1
    assert runtime.records("runtime.exit")
    assert not runtime.records("invocation.error")


def test_next_refused_with_403_is_a_clean_exit(api, start_runtime):
    runtime = start_runtime(ECHO_APP)
    assert api.invoke(b'"served"').json() == "served"
    api.queue_event(b'"never served"', fault="403")
    assert runtime.wait(30) == 1
    [exit_record] = runtime.records("runtime.exit")
    assert exit_record["reason"].startswith("/next answered 403")


GONE_APP = """
from lambdaflow import App
app = App()

@app.handler
def handle(event):
    return event

@app.shutdown
def close():
    print("hook ran", flush=True)
"""


def test_a_runtime_api_gone_for_good_runs_the_hooks_and_exits_quietly(api, start_runtime):
    """A stopped RIE or SAM CLI container: no signal, the API just refuses connections."""
    runtime = start_runtime(GONE_APP)
    assert api.invoke(b'"served"').json() == "served"
    api.extension_waiting.wait(10)
    api.go_away()
    assert runtime.wait(30) == 0
    [shutdown] = runtime.records("runtime.shutdown")
    assert shutdown["signal"] is None and "went away" in shutdown["reason"]
    assert "hook ran" in runtime.lines
    warnings = [r for r in runtime.json_lines() if r["level"] in ("WARN", "ERROR", "FATAL")]
    assert warnings == []


def test_a_runtime_api_that_never_answered_is_still_an_error(tmp_path):
    """Refused from the start is a misconfiguration, not an ending: warnings and exit 1."""
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{placeholder.getsockname()[1]}"
    (tmp_path / "fn.py").write_text(GONE_APP)
    runtime = RuntimeProcess("fn:app", tmp_path, runtime_env(address))
    assert runtime.wait(30) == 1
    assert not runtime.records("runtime.shutdown") and "hook ran" not in runtime.lines
