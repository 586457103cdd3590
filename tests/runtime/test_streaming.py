"""Streamed responses from a real runtime process to a raw-socket Runtime API that reads the
chunked body as it arrives (scripted_runtime_api), and through the emulator's invoke endpoint."""

from __future__ import annotations

import base64
import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from lambdaflow.limits import MAX_STREAMED_RESPONSE_BYTES

from .conftest import RuntimeProcess, runtime_env
from .scripted_runtime_api import Request, ScriptedApi, event_reply

STREAMING_APP = """
import os
import time
from collections.abc import Iterator
from lambdaflow import App, logger

app = App()
CHUNK = b"x" * (1024 * 1024)

def wait_for(path):
    deadline = time.monotonic() + 10
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            return b"gave-up"
        time.sleep(0.01)
    return b"seen"

@app.handler
def handle(event: dict) -> Iterator[bytes]:
    kind = event["kind"]
    if kind == "fail-first":
        raise KeyError("before any chunk")
    yield b"first"
    if kind == "gated":
        yield wait_for(event["gate"])
    if kind == "cut":
        produced = 0
        try:
            yield wait_for(event["gate"])
            for produced in range(1, 1001):
                time.sleep(0.005)
                yield b"."
        finally:
            logger.info("handler.closed", produced=produced)
    if kind == "fail-mid":
        raise ValueError("broke after one chunk")
    if kind == "wrong-type":
        yield 42
    if kind == "oversize":
        while True:
            yield CHUNK
    if kind == "slow":
        for _ in range(50):
            time.sleep(0.02)
            yield b"."
    yield b"last"
"""

HTTP_APP = """
from lambdaflow import App, HttpStream

app = App()

@app.handler
def handle(event):
    if event == "plain":
        return {"buffered": True}
    def body():
        yield "h\\u00e9llo "
        yield b"world"
    return HttpStream(201, {"Content-Type": "text/plain"}, ["a=1; Path=/"], body())
"""

ASYNC_STREAMING_APP = """
import asyncio
import os
from collections.abc import AsyncIterator
from lambdaflow import App, logger

app = App()
COLD_START_LOOP = []

@app.cold_start
async def remember_the_loop():
    COLD_START_LOOP.append(asyncio.get_running_loop())

async def wait_for(path):
    for _ in range(1000):
        if os.path.exists(path):
            return b"seen"
        await asyncio.sleep(0.01)
    return b"gave-up"

@app.handler
async def handle(event: dict) -> AsyncIterator[bytes]:
    kind = event["kind"]
    if kind == "fail-first":
        raise KeyError("before any chunk")
    same = asyncio.get_running_loop() is COLD_START_LOOP[0]
    yield b"same-loop" if same else b"other-loop"
    if kind == "gated":
        yield await wait_for(event["gate"])
    if kind == "cut":
        produced = 0
        try:
            yield await wait_for(event["gate"])
            for produced in range(1, 1001):
                await asyncio.sleep(0.005)
                yield b"."
        finally:
            logger.info("handler.closed", produced=produced)
    if kind == "fail-mid":
        raise ValueError("broke after one chunk")
    yield b"last"
"""


@pytest.fixture
def run(tmp_path: Path):
    started: list[RuntimeProcess] = []

    def start(api_address: str, source: str = STREAMING_APP) -> RuntimeProcess:
        (tmp_path / "fn.py").write_text(textwrap.dedent(source))
        runtime = RuntimeProcess("fn:app", tmp_path, runtime_env(api_address))
        started.append(runtime)
        return runtime

    yield start
    for runtime in started:
        runtime.stop()


def _event(request_id: str, **fields: object) -> bytes:
    return event_reply(request_id.encode(), json.dumps(fields).encode())


def _complete(api: ScriptedApi, request_id: str, timeout: float = 20) -> Request:
    def done(requests: list[Request]) -> bool:
        return any(r.answer_id == request_id and r.trailers is not None for r in requests)

    api.wait_for(done, timeout)
    [answer] = [r for r in api.answers() if r.answer_id == request_id]
    return answer


def _error_trailers(request: Request) -> tuple[str, dict]:
    assert request.trailers is not None
    body = json.loads(base64.b64decode(request.trailers["lambda-runtime-function-error-body"]))
    return request.trailers["lambda-runtime-function-error-type"], body


def test_chunks_reach_the_api_while_the_handler_is_still_producing(run, tmp_path):
    """The handler waits for the server to have seen its first chunk before it yields the
    second: a runtime that buffered the stream would make it give up."""
    gate = tmp_path / "first-chunk-seen"
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="gated", gate=str(gate)))
        runtime = run(api.address)
        api.wait_for(lambda requests: any(r.chunks for r in requests if r.answer_id == "r-1"))
        [answer] = api.answers()
        assert answer.trailers is None  # the body is still open
        assert answer.chunks == [b"first"]
        gate.touch()
        answer = _complete(api, "r-1")
    assert answer.chunks == [b"first", b"seen", b"last"]
    assert answer.trailers == {}
    assert answer.headers["lambda-runtime-function-response-mode"] == "streaming"
    assert answer.headers["content-type"] == "application/octet-stream"
    assert answer.headers["trailer"] == (
        "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body"
    )
    [record] = runtime.wait_for_record("invocation.metrics")
    assert record["outcome"] == "success"
    assert record["bytes"] == len(b"firstseenlast")
    assert record["first_byte_ms"] < record["handler_ms"]


def test_first_byte_and_handler_time_of_a_slow_stream(run):
    """50 chunks 20 ms apart: the first byte goes out at once, handler_ms covers the stream."""
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="slow"))
        runtime = run(api.address)
        answer = _complete(api, "r-1")
        [record] = runtime.wait_for_record("invocation.metrics")
    assert answer.body == b"first" + b"." * 50 + b"last"
    assert answer.chunk_times[-1] - answer.chunk_times[0] >= 0.9  # spread out, not in one go
    assert record["handler_ms"] >= 1000
    assert record["first_byte_ms"] < record["handler_ms"] / 2


def test_an_exception_midway_ends_the_stream_with_error_trailers(run):
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="fail-mid"))
        api.events.put(_event("r-2", kind="plain"))
        runtime = run(api.address)
        answer = _complete(api, "r-1")
        _complete(api, "r-2")  # the loop goes on
        records = runtime.wait_for_record("invocation.metrics", 2)
    assert answer.chunks == [b"first"]
    error_type, body = _error_trailers(answer)
    assert error_type == "Function.ValueError"
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "broke after one chunk"
    assert any("fn.py" in line for line in body["stackTrace"])
    assert records[0]["outcome"] == "handler_error"
    assert records[1]["outcome"] == "success"


def test_a_chunk_of_the_wrong_type_is_a_marshal_error_in_the_trailers(run):
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="wrong-type"))
        runtime = run(api.address)
        answer = _complete(api, "r-1")
        [record] = runtime.wait_for_record("invocation.metrics")
    assert answer.chunks == [b"first"]
    error_type, body = _error_trailers(answer)
    assert error_type == "Runtime.MarshalError"
    assert "must be bytes or str, got int" in body["errorMessage"]
    assert record["outcome"] == "marshal_error"


def test_an_exception_before_the_first_chunk_is_an_ordinary_error(run):
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="fail-first"))
        runtime = run(api.address)
        [answer] = api.wait_for_answers(1)
        [record] = runtime.wait_for_record("invocation.metrics")
    assert answer.path.endswith("/r-1/error")
    assert "transfer-encoding" not in answer.headers
    assert answer.headers["lambda-runtime-function-error-type"] == "Function.KeyError"
    assert json.loads(answer.body)["errorType"] == "KeyError"
    assert record["outcome"] == "handler_error"
    assert "first_byte_ms" not in record


def test_a_stream_over_lambdas_limit_is_cut_with_an_error(run):
    """Lambda's real 200 MiB limit, streamed at loopback speed; the server keeps only sizes."""
    with ScriptedApi(keep_chunks=False) as api:
        api.events.put(_event("r-1", kind="oversize"))
        runtime = run(api.address)
        answer = _complete(api, "r-1", timeout=120)
        [record] = runtime.wait_for_record("invocation.metrics", timeout=30)
    assert answer.received <= MAX_STREAMED_RESPONSE_BYTES
    assert answer.received > MAX_STREAMED_RESPONSE_BYTES - 1024 * 1024
    error_type, body = _error_trailers(answer)
    assert error_type == "Function.ResponseSizeTooLarge"
    assert str(MAX_STREAMED_RESPONSE_BYTES) in body["errorMessage"]
    assert record["outcome"] == "marshal_error"
    assert record["bytes"] == answer.received


def test_http_stream_prelude_and_str_chunks_byte_for_byte(run):
    with ScriptedApi() as api:
        api.events.put(event_reply(b"r-1", b'"http"'))
        api.events.put(event_reply(b"r-2", b'"plain"'))
        run(api.address, HTTP_APP)
        answer = _complete(api, "r-1")
        [_, buffered] = api.wait_for_answers(2)
    assert answer.headers["content-type"] == "application/vnd.awslambda.http-integration-response"
    assert answer.body == (
        b'{"statusCode":201,"headers":{"Content-Type":"text/plain"},"cookies":["a=1; Path=/"]}'
        + b"\0" * 8 + "héllo ".encode() + b"world"
    )
    # An unannotated handler's dict is still a buffered answer.
    assert "transfer-encoding" not in buffered.headers
    assert json.loads(buffered.body) == {"buffered": True}


def test_a_connection_cut_midway_is_logged_and_nothing_is_sent_twice(run, tmp_path):
    """The server hangs up after the first chunk: the bytes are gone; the runtime logs it,
    closes the handler's generator, sends nothing again for that id, and serves the next."""
    gate = tmp_path / "cut-now"
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="cut", gate=str(gate)))
        runtime = run(api.address)
        api.wait_for(lambda requests: any(r.chunks for r in requests if r.answer_id == "r-1"))
        [answer] = api.answers()
        api.peers[answer.connection].close()
        gate.touch()  # the handler yields its next chunk into a closed connection
        [broken] = runtime.wait_for_record("invocation.stream_broken")
        [closed] = runtime.wait_for_record("handler.closed")
        api.events.put(_event("r-2", kind="plain"))
        _complete(api, "r-2")
        records = runtime.wait_for_record("invocation.metrics", 2)
    assert [r.answer_id for r in api.answers()] == ["r-1", "r-2"]
    assert re.search(r"after \d+ body bytes\); not sent again", broken["problem"])
    assert closed["produced"] < 1000  # the generator was closed, not drained
    assert records[0]["outcome"] == "stream_broken"
    assert records[1]["outcome"] == "success"


def test_a_stream_through_the_emulator_is_delivered_whole(start_emulator, tmp_path):
    """The emulator's classic invoke endpoint answers with the whole streamed body, and a
    mid-stream failure with the error from the trailers."""
    (tmp_path / "fn.py").write_text(textwrap.dedent(STREAMING_APP))
    env = {"LAMBDA_TASK_ROOT": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[2])}
    emulator = start_emulator(runtime=[sys.executable, "-m", "lambdaflow", "fn:app"], env=env)
    status, _, body = emulator.invoke(json.dumps({"kind": "slow"}))
    assert (status, body) == (200, b"first" + b"." * 50 + b"last")
    status, _, body = emulator.invoke(json.dumps({"kind": "fail-mid"}))
    assert status == 200
    assert json.loads(body)["errorType"] == "ValueError"


def test_a_reply_before_the_end_stops_the_stream(run, tmp_path):
    """A Runtime API that refuses the stream midway (413 while chunks still come): the runtime
    stops there, closes the handler's generator, logs the refusal, and serves the next event."""
    gate = tmp_path / "refuse-now"
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="cut", gate=str(gate)))
        runtime = run(api.address)
        api.wait_for(lambda requests: any(r.chunks for r in requests if r.answer_id == "r-1"))
        [answer] = api.answers()
        api.peers[answer.connection].send(
            b"HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 2\r\n\r\n{}"
        )
        gate.touch()
        [rejected] = runtime.wait_for_record("invocation.post_rejected")
        [closed] = runtime.wait_for_record("handler.closed")
        api.events.put(_event("r-2", kind="plain"))
        _complete(api, "r-2")
        records = runtime.wait_for_record("invocation.metrics", 2)
    assert rejected["status"] == 413
    assert closed["produced"] < 1000
    assert [r["outcome"] for r in records] == ["post_rejected", "success"]


def test_an_async_generator_streams_on_the_cold_start_loop_as_it_produces(run, tmp_path):
    """Each chunk is awaited on the loop the async cold_start ran on, and sent before the
    next is produced: the handler waits for the server to have seen the first."""
    gate = tmp_path / "first-chunk-seen"
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="gated", gate=str(gate)))
        api.events.put(_event("r-2", kind="plain"))
        runtime = run(api.address, ASYNC_STREAMING_APP)
        api.wait_for(lambda requests: any(r.chunks for r in requests if r.answer_id == "r-1"))
        [answer] = api.answers()
        assert answer.trailers is None  # the body is still open
        assert answer.chunks == [b"same-loop"]
        gate.touch()
        answer = _complete(api, "r-1")
        second = _complete(api, "r-2")
        records = runtime.wait_for_record("invocation.metrics", 2)
    assert answer.chunks == [b"same-loop", b"seen", b"last"]
    assert answer.trailers == {}
    assert answer.headers["lambda-runtime-function-response-mode"] == "streaming"
    assert second.chunks == [b"same-loop", b"last"]
    assert [r["outcome"] for r in records] == ["success", "success"]


def test_an_async_generator_failing_midway_ends_with_error_trailers(run):
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="fail-mid"))
        api.events.put(_event("r-2", kind="plain"))
        runtime = run(api.address, ASYNC_STREAMING_APP)
        answer = _complete(api, "r-1")
        _complete(api, "r-2")
        records = runtime.wait_for_record("invocation.metrics", 2)
    assert answer.chunks == [b"same-loop"]
    error_type, body = _error_trailers(answer)
    assert error_type == "Function.ValueError"
    assert body["errorMessage"] == "broke after one chunk"
    assert any("fn.py" in line for line in body["stackTrace"])
    assert [r["outcome"] for r in records] == ["handler_error", "success"]


def test_an_async_generator_failing_before_its_first_chunk_is_an_ordinary_error(run):
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="fail-first"))
        runtime = run(api.address, ASYNC_STREAMING_APP)
        [answer] = api.wait_for_answers(1)
        [record] = runtime.wait_for_record("invocation.metrics")
    assert answer.path.endswith("/r-1/error")
    assert "transfer-encoding" not in answer.headers
    assert answer.headers["lambda-runtime-function-error-type"] == "Function.KeyError"
    assert record["outcome"] == "handler_error"


def test_an_async_generator_cut_midway_is_closed_on_the_loop(run, tmp_path):
    """The server hangs up after the first chunk: the generator is aclosed (its finally runs,
    on the loop: it logs), not drained, and the next event is served."""
    gate = tmp_path / "cut-now"
    with ScriptedApi() as api:
        api.events.put(_event("r-1", kind="cut", gate=str(gate)))
        runtime = run(api.address, ASYNC_STREAMING_APP)
        api.wait_for(lambda requests: any(r.chunks for r in requests if r.answer_id == "r-1"))
        [answer] = api.answers()
        api.peers[answer.connection].close()
        gate.touch()
        runtime.wait_for_record("invocation.stream_broken")
        [closed] = runtime.wait_for_record("handler.closed")
        api.events.put(_event("r-2", kind="plain"))
        second = _complete(api, "r-2")
        records = runtime.wait_for_record("invocation.metrics", 2)
    assert closed["produced"] < 1000
    assert second.chunks == [b"same-loop", b"last"]
    assert [r["outcome"] for r in records] == ["stream_broken", "success"]
