"""Issue 13 end to end: lambdaflow's own runtime streams through the emulator to real clients
(botocore's invoke_with_response_stream, http.client on the Function URL, the classic invoke)."""

from __future__ import annotations

import http.client
import json
import sys
from pathlib import Path

import pytest

from lambdaflow.limits import MAX_STREAMED_RESPONSE_BYTES

from .test_botocore import create_client

APP = "tests.emulator.lambdaflow_streaming_app"


def runtime(name: str) -> list[str]:
    return [sys.executable, "-m", "lambdaflow", f"{APP}:{name}"]


@pytest.fixture
def generator(start_emulator):
    emulator = start_emulator(runtime=runtime("generator"))
    client = create_client(emulator.port)
    try:
        yield emulator, client
    finally:
        client.close()


def invoke_stream(client, event: dict):
    result = client.invoke_with_response_stream(
        FunctionName="function", Payload=json.dumps(event)
    )
    assert result["StatusCode"] == 200
    return iter(result["EventStream"])


def test_a_generator_first_chunk_is_read_before_the_handler_finishes(
    generator, tmp_path: Path
) -> None:
    emulator, client = generator
    gate = tmp_path / "gate"
    chunks = ["first", *(f"<{index}>" for index in range(50))]
    events = invoke_stream(client, {"chunks": chunks, "gate": str(gate)})
    # The handler cannot go past its first chunk until the gate exists.
    assert next(events) == {"PayloadChunk": {"Payload": b"first"}}
    assert "END RequestId" not in emulator.output()
    gate.touch()
    rest = list(events)
    assert rest[-1] == {"InvokeComplete": {}}
    payload = b"".join(event["PayloadChunk"]["Payload"] for event in rest[:-1])
    assert payload == "".join(chunks[1:]).encode()
    emulator.reports(1)


def test_a_mid_stream_exception_is_the_invoke_complete_error_code(generator) -> None:
    _, client = generator
    events = list(invoke_stream(client, {"chunks": ["part"], "fail": "broke"}))
    assert events[0] == {"PayloadChunk": {"Payload": b"part"}}
    complete = events[-1]["InvokeComplete"]
    assert complete["ErrorCode"] == "RuntimeError"
    assert "broke" in complete["ErrorDetails"]


def test_an_oversize_stream_is_cut_with_an_error(generator) -> None:
    _, client = generator
    mib = MAX_STREAMED_RESPONSE_BYTES // (1024 * 1024) + 1
    received = 0
    last = None
    for event in invoke_stream(client, {"mib": mib}):
        if "PayloadChunk" in event:
            received += len(event["PayloadChunk"]["Payload"])
        last = event
    # The runtime fills the stream up to the limit and ends it with its own error trailers
    # (the emulator's relay would have cut it short of the limit instead).
    assert received == MAX_STREAMED_RESPONSE_BYTES
    assert last is not None
    complete = last["InvokeComplete"]
    assert complete["ErrorCode"] == "Function.ResponseSizeTooLarge"
    assert f"cut after {MAX_STREAMED_RESPONSE_BYTES} bytes" in complete["ErrorDetails"]


def test_the_function_url_streams_an_http_stream_as_produced(
    start_emulator, tmp_path: Path
) -> None:
    emulator = start_emulator("--function-url-port", "0", runtime=runtime("http_stream"))
    gate = tmp_path / "gate"
    connection = http.client.HTTPConnection(
        "127.0.0.1", emulator.function_url_port, timeout=60
    )
    try:
        body = json.dumps({"chunks": ["first ", "second ", "third"], "gate": str(gate)})
        connection.request("POST", "/tokens", body=body)
        response = connection.getresponse()
        assert response.status == 201
        assert response.getheader("Content-Type") == "text/plain"
        assert response.getheader("X-Path") == "/tokens"
        assert response.headers.get_all("Set-Cookie") == ["a=1; Path=/", "b=2"]
        assert response.getheader("Transfer-Encoding") == "chunked"
        assert response.read1(65536) == b"first "  # the prelude is not in the body
        assert "END RequestId" not in emulator.output()
        gate.touch()
        assert response.read() == b"second third"
    finally:
        connection.close()
    emulator.reports(1)


def test_the_function_url_answers_a_buffered_handler_whole(start_emulator) -> None:
    emulator = start_emulator("--function-url-port", "0", runtime=runtime("buffered"))
    connection = http.client.HTTPConnection(
        "127.0.0.1", emulator.function_url_port, timeout=60
    )
    try:
        connection.request("GET", "/page")
        response = connection.getresponse()
        assert response.status == 202
        assert response.getheader("X-Buffered") == "yes"
        assert response.headers.get_all("Set-Cookie") == ["c=3"]
        assert response.read() == b"whole /page"
    finally:
        connection.close()


def test_the_classic_invoke_gets_a_generator_body_whole(start_emulator) -> None:
    emulator = start_emulator(runtime=runtime("generator"))
    chunks = [f"<{index}>" for index in range(100)]
    status, headers, body = emulator.invoke(json.dumps({"chunks": chunks}))
    assert status == 200
    assert "X-Amz-Function-Error" not in headers
    assert body == "".join(chunks).encode()
