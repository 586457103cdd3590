"""InvokeWithResponseStream through botocore's own client against the emulator, with a stdlib
runtime that streams (bench/toys/streaming_runtime.py): chunks arrive while the handler runs."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import sys
import time

import pytest

from .conftest import REPO
from .test_botocore import create_client

STREAMING = [sys.executable, str(REPO / "bench" / "toys" / "streaming_runtime.py")]
STREAM_PATH = "/2021-11-15/functions/function/response-streaming-invocations"


@pytest.fixture
def streaming(start_emulator):
    emulator = start_emulator(runtime=STREAMING)
    client = create_client(emulator.port)
    try:
        yield emulator, client
    finally:
        client.close()


def stream(client, event: dict, **options) -> tuple[dict, list[dict]]:
    result = client.invoke_with_response_stream(
        FunctionName="function", Payload=json.dumps(event), **options
    )
    return result, list(result["EventStream"])


def test_the_first_chunk_arrives_before_the_handler_has_finished(streaming) -> None:
    emulator, client = streaming
    result = client.invoke_with_response_stream(
        FunctionName="function", Payload=json.dumps({"chunks": ["a", "b", "c"], "pause_s": 0.5})
    )
    assert result["StatusCode"] == 200
    assert result["ExecutedVersion"] == "$LATEST"
    assert result["ResponseStreamContentType"] == "application/vnd.amazon.eventstream"
    events = iter(result["EventStream"])
    assert next(events) == {"PayloadChunk": {"Payload": b"a"}}
    assert "END RequestId" not in emulator.output()  # b and c are still to be produced
    rest = list(events)
    assert rest == [
        {"PayloadChunk": {"Payload": b"b"}},
        {"PayloadChunk": {"Payload": b"c"}},
        {"InvokeComplete": {}},
    ]
    emulator.reports(1)


def test_many_chunks_arrive_in_order_and_complete(streaming) -> None:
    _, client = streaming
    chunks = [f"<{index}>" for index in range(300)]
    _, events = stream(client, {"chunks": chunks})
    payload = b"".join(event["PayloadChunk"]["Payload"] for event in events[:-1])
    assert payload == "".join(chunks).encode()
    assert events[-1] == {"InvokeComplete": {}}


def test_a_mid_stream_error_is_the_invoke_complete_error_code(streaming) -> None:
    _, client = streaming
    result, events = stream(client, {"chunks": ["part"], "error": "Boom"})
    assert result["StatusCode"] == 200  # Lambda answers 200: the error is in the stream
    assert events == [
        {"PayloadChunk": {"Payload": b"part"}},
        {"InvokeComplete": {"ErrorCode": "Boom", "ErrorDetails": "broke mid-stream"}},
    ]


def test_a_buffered_answer_streams_as_one_chunk(streaming) -> None:
    _, client = streaming
    _, events = stream(client, {"chunks": ["a", "b"], "buffered": True})
    assert events == [{"PayloadChunk": {"Payload": b"ab"}}, {"InvokeComplete": {}}]


def test_the_log_tail_is_the_invoke_complete_log_result(streaming) -> None:
    _, client = streaming
    _, events = stream(client, {"chunks": ["a"]}, LogType="Tail")
    log = base64.b64decode(events[-1]["InvokeComplete"]["LogResult"]).decode()
    assert log.startswith("START RequestId: ") and "\nREPORT RequestId: " in log


@pytest.mark.parametrize("breaks", ["hang_up", "garbage"])
def test_a_runtime_that_breaks_off_mid_stream_is_an_error_and_the_next_invoke_works(
    streaming, breaks: str
) -> None:
    _, client = streaming
    _, events = stream(client, {"chunks": ["part"], breaks: True})
    assert events[0] == {"PayloadChunk": {"Payload": b"part"}}
    assert events[-1]["InvokeComplete"]["ErrorCode"] == "Runtime.TruncatedResponse"
    _, events = stream(client, {"chunks": ["again"]})
    assert events[0] == {"PayloadChunk": {"Payload": b"again"}}


def test_a_stream_over_200_mb_is_cut_with_an_error(streaming) -> None:
    """Read raw (a socket, counting bytes): botocore's parser would take minutes on 200 MB."""
    emulator, _ = streaming
    body = json.dumps({"chunks": [], "fill": [201, 1024 * 1024]}).encode()
    connection = emulator.connection(timeout=120)
    connection.request("POST", STREAM_PATH, body=body)
    response = connection.getresponse()
    assert response.status == 200
    received = bytearray()
    while True:
        piece = response.read1(1024 * 1024)
        if not piece:
            break
        received += piece[-4096:] if len(received) > 8192 else piece  # keep the tail only
    connection.close()
    tail = bytes(received[-2048:])
    assert b"InvokeComplete" in tail
    assert b"Function.ResponseSizeTooLarge" in tail
    emulator.reports(1)


def test_a_caller_that_hangs_up_mid_stream_does_not_stop_the_function(streaming) -> None:
    emulator, client = streaming
    event = json.dumps({"chunks": ["a", "b", "c"], "pause_s": 0.2}).encode()
    with socket.create_connection(("127.0.0.1", emulator.port)) as raw:
        raw.sendall(
            f"POST {STREAM_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(event)}\r\n\r\n"
            .encode() + event
        )
        assert raw.recv(4096).startswith(b"HTTP/1.1 200 OK")
    emulator.reports(1)  # the function ran to its end
    _, events = stream(client, {"chunks": ["next"]})
    assert events[0] == {"PayloadChunk": {"Payload": b"next"}}


def test_the_classic_invoke_still_answers_a_streamed_response_whole(streaming) -> None:
    _, client = streaming
    result = client.invoke(FunctionName="function", Payload=json.dumps({"chunks": ["a", "b"]}))
    assert result["Payload"].read() == b"ab"


def test_another_function_on_the_streaming_path_is_resource_not_found(streaming) -> None:
    emulator, _ = streaming
    status, headers, _ = emulator.invoke(
        b"{}", path="/2021-11-15/functions/other/response-streaming-invocations"
    )
    assert (status, headers["X-Amzn-ErrorType"]) == (404, "ResourceNotFoundException")
    status, _, _ = emulator.invoke(b"{}", path="/2021-11-15/functions/function/elsewhere")
    assert status == 404


def test_chunks_are_relayed_as_the_runtime_writes_them(streaming) -> None:
    """http.client reading the event stream raw: each chunk is there before the next is made."""
    emulator, _ = streaming
    event = json.dumps({"chunks": ["first", "second"], "pause_s": 1.0}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=30)
    connection.request("POST", STREAM_PATH, body=event)
    response = connection.getresponse()
    assert response.getheader("Transfer-Encoding") == "chunked"
    first = response.read1(65536)
    assert b"first" in first and b"second" not in first
    assert "END RequestId" not in emulator.output()  # not held until the handler's end
    assert b"second" in response.read()
    connection.close()


def resident_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


def test_a_slow_caller_holds_the_runtime_back_instead_of_filling_memory(streaming) -> None:
    """60 MiB read slowly: the emulator stops reading the runtime rather than buffer it."""
    emulator, _ = streaming
    body = json.dumps({"chunks": [], "fill": [60, 1024 * 1024]}).encode()
    connection = emulator.connection(timeout=120)
    connection.request("POST", STREAM_PATH, body=body)
    response = connection.getresponse()
    before = peak = resident_kib(emulator.process.pid)
    received = 0
    while piece := response.read1(1024 * 1024):
        received += len(piece)
        peak = max(peak, resident_kib(emulator.process.pid))
        time.sleep(0.002)  # a slow reader
    connection.close()
    assert received > 60 * 1024 * 1024
    assert peak - before < 20 * 1024  # KiB: well under the 60 MiB that went through
