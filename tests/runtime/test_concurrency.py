"""AWS_LAMBDA_MAX_CONCURRENCY=N with real processes against the threaded fake Runtime API:
async handlers as tasks on one loop, sync handlers in forked (or spawned) workers.

The wall-time bounds are loose functional checks that invocations overlapped (160 x 100 ms in
sequence would take 16 s), not benchmarks: `python -m bench concurrency` measures.
"""

from __future__ import annotations

import os
import signal
import socketserver
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

CALLERS = 8
PER_CALLER = 20

ASYNC_APP = """
import asyncio, os
from lambdaflow import App, Context, logger

app = App()
client = {}

@app.cold_start
async def connect() -> None:
    # an aiohttp-style client: made once at init, bound to the loop, used by every invocation
    host, port = os.environ["ECHO_ADDRESS"].split(":")
    client["streams"] = await asyncio.open_connection(host, int(port))
    client["lock"] = asyncio.Lock()
    logger.info("client.connected")

@app.handler
async def handle(event: dict, context: Context) -> dict:
    logger.info("handler.started", n=event["n"])
    reader, writer = client["streams"]
    async with client["lock"]:
        writer.write(b"%d\\n" % event["n"])
        echoed = int(await reader.readline())
    await asyncio.sleep(event.get("sleep", 0.1))
    logger.info("handler.finished", n=event["n"])
    return {"n": echoed, "request_id": context.aws_request_id, "trace": context.trace_id,
            "env_trace": os.environ.get("_X_AMZN_TRACE_ID")}

@app.shutdown
async def close() -> None:
    client["streams"][1].close()
    logger.info("client.closed")
"""

SYNC_APP = """
import os, threading, time
from lambdaflow import App, Context, logger

app = App()

@app.cold_start
def init() -> None:
    logger.info("init.ran", pid=os.getpid())
    if os.environ.get("LEAVE_THREAD"):
        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()

@app.handler
def handle(event: dict, context: Context) -> dict:
    logger.info("handler.started", n=event["n"], pid=os.getpid())
    time.sleep(event.get("sleep", 0.1))
    return {"n": event["n"], "request_id": context.aws_request_id, "pid": os.getpid(),
            "env_trace": os.environ.get("_X_AMZN_TRACE_ID")}

@app.shutdown
def bye() -> None:
    logger.info("worker.bye", pid=os.getpid())
"""


class _Echo(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.server.connections += 1  # type: ignore[attr-defined]
        for line in self.rfile:
            self.wfile.write(line)


@pytest.fixture
def echo() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    server.connections = 0  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _echo_address(server: socketserver.ThreadingTCPServer) -> str:
    host, port = server.server_address[:2]
    return f"{host}:{port}"


def _call_concurrently(api, callers: int, per_caller: int) -> list:
    """`callers` threads, each invoking `per_caller` times in a row; (n, request id, post)."""

    def caller(index: int) -> list:
        results = []
        for turn in range(per_caller):
            n = index * 1000 + turn
            request_id = api.queue_event(
                b'{"n": %d}' % n, {"Lambda-Runtime-Trace-Id": f"Root=1-{n:08x}"}
            )
            results.append((n, request_id, api.wait_for(request_id, timeout=30)))
        return results

    with ThreadPoolExecutor(callers) as pool:
        return [r for batch in pool.map(caller, range(callers)) for r in batch]


def _check_answers(results: list) -> list[dict]:
    answers = []
    for n, request_id, post in results:
        assert post.kind == "response", post
        answer = post.json()
        assert answer["n"] == n and answer["request_id"] == request_id
        answers.append(answer)
    return answers


def _check_log_ids(runtime, results: list, messages: tuple[str, ...]) -> None:
    """Every record a handler logged carries the request id of the event it was logging about."""
    ids = {n: request_id for n, request_id, _post in results}
    for message in messages:
        records = runtime.records(message)
        assert len(records) >= len(ids), message
        for record in records:
            assert record["request_id"] == ids[record["n"]], record


def test_async_handler_serves_n_invocations_at_once(api, start_runtime, echo):
    runtime = start_runtime(ASYNC_APP, AWS_LAMBDA_MAX_CONCURRENCY=str(CALLERS),
                            ECHO_ADDRESS=_echo_address(echo))
    runtime.wait_for_record("client.connected")
    started = time.monotonic()
    results = _call_concurrently(api, CALLERS, PER_CALLER)
    elapsed = time.monotonic() - started
    answers = _check_answers(results)
    assert len(answers) == CALLERS * PER_CALLER
    assert elapsed < 8, f"{elapsed:.1f} s: the invocations did not overlap"
    assert echo.connections == 1  # the cold_start client served every invocation
    assert api.invocation_connections >= CALLERS  # a Runtime API connection per slot
    # the trace id travels in the Context; the process-wide variable is left alone
    assert all(a["trace"] == f"Root=1-{a['n']:08x}" and a["env_trace"] is None for a in answers)
    _check_log_ids(runtime, results, ("handler.started", "handler.finished"))
    metrics = runtime.records("invocation.metrics")
    assert {m["request_id"] for m in metrics} == {r for _n, r, _p in results}
    assert sum(m["cold_start"] for m in metrics) == 1
    runtime.process.send_signal(signal.SIGTERM)
    assert runtime.wait(10) == 0
    assert runtime.records("client.closed")  # the async shutdown hook ran on the same loop


def test_an_async_handler_past_its_deadline_does_not_disturb_the_others(
    api, start_runtime, echo
):
    runtime = start_runtime(ASYNC_APP, AWS_LAMBDA_MAX_CONCURRENCY="4",
                            ECHO_ADDRESS=_echo_address(echo))
    runtime.wait_for_record("client.connected")
    deadline = str(int(time.time() * 1000) + 500)
    stuck = api.queue_event(b'{"n": 7, "sleep": 60}', {"Lambda-Runtime-Deadline-Ms": deadline})
    runtime.wait_for_record("handler.started")
    started = time.monotonic()
    results = _call_concurrently(api, 3, 5)
    assert time.monotonic() - started < 5
    _check_answers(results)
    failed = api.wait_for(stuck, timeout=10)
    assert failed.kind == "error" and failed.json()["errorType"] == "DeadlineExceeded"
    # its slot is free again: four more at once still overlap
    _check_answers(_call_concurrently(api, 4, 2))


def _worker_pids(runtime, count: int) -> set[int]:
    return {r["pid"] for r in runtime.wait_for_record("handler.started", count)}


def test_sync_handler_is_served_by_forked_workers_initialised_once(api, start_runtime):
    runtime = start_runtime(SYNC_APP, AWS_LAMBDA_MAX_CONCURRENCY=str(CALLERS))
    started = time.monotonic()
    results = _call_concurrently(api, CALLERS, PER_CALLER)
    elapsed = time.monotonic() - started
    answers = _check_answers(results)
    assert elapsed < 8, f"{elapsed:.1f} s: the invocations did not overlap"
    assert len(runtime.records("init.ran")) == 1  # forked after init, not initialised N times
    assert not runtime.records("workers.spawn")
    pids = {a["pid"] for a in answers}
    assert len(pids) == CALLERS and runtime.process.pid not in pids
    # one invocation at a time per worker: the process-wide trace variable is right there
    assert all(a["env_trace"] == f"Root=1-{a['n']:08x}" for a in answers)
    _check_log_ids(runtime, results, ("handler.started",))
    metrics = runtime.records("invocation.metrics")
    assert sorted(m["request_id"] for m in metrics) == sorted(r for _n, r, _p in results)
    runtime.process.send_signal(signal.SIGTERM)
    assert runtime.wait(10) == 0
    assert {r["pid"] for r in runtime.records("worker.bye")} == pids  # each ran the hooks


def test_a_killed_worker_is_replaced_and_only_its_invocation_is_lost(api, start_runtime):
    runtime = start_runtime(SYNC_APP, AWS_LAMBDA_MAX_CONCURRENCY="4")
    held = api.queue_event(b'{"n": 999, "sleep": 60}')
    [victim] = _worker_pids(runtime, 1)
    others = _call_concurrently(api, 3, 4)  # served meanwhile by the other three workers
    _check_answers(others)
    os.kill(victim, signal.SIGKILL)
    [replaced] = runtime.wait_for_record("worker.replaced")
    assert replaced["died_of"] == f"signal {signal.SIGKILL.value}"
    after = _check_answers(_call_concurrently(api, 4, 5))
    assert victim not in {a["pid"] for a in after}
    assert len({a["pid"] for a in after}) == 4  # the replacement serves beside the survivors
    with pytest.raises(TimeoutError):
        api.wait_for(held, timeout=0.5)  # the held one is Lambda's to time out
    posted = [p.request_id for p in api.posts if p.status == 202]
    assert len(posted) == len(set(posted))  # every other invocation answered exactly once


def test_threads_left_by_init_make_the_workers_start_afresh(api, start_runtime):
    runtime = start_runtime(SYNC_APP, AWS_LAMBDA_MAX_CONCURRENCY="3", LEAVE_THREAD="1")
    results = _call_concurrently(api, 3, 3)
    _check_answers(results)
    [spawn] = runtime.records("workers.spawn")
    assert "thread" in spawn["reason"]
    assert len(runtime.records("init.ran")) == 1 + 3  # the supervisor's, then each worker's
    runtime.process.send_signal(signal.SIGTERM)
    assert runtime.wait(10) == 0


def test_bad_max_concurrency_is_logged_and_means_one(api, start_runtime):
    runtime = start_runtime(SYNC_APP, AWS_LAMBDA_MAX_CONCURRENCY="lots")
    assert api.invoke(b'{"n": 1, "sleep": 0}').json()["pid"] == runtime.process.pid
    assert runtime.records("runtime.bad_max_concurrency")[0]["value"] == "lots"

