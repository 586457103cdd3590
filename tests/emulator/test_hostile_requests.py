"""Hostile requests on the invoke and Function URL ports (issue 22): sizes, slow and
half-closed connections, over raw sockets on loopback against the real emulator."""

from __future__ import annotations

import contextlib
import json
import select
import socket
import sys
import time

import pytest

from lambdaflow.limits import MAX_ASYNC_REQUEST_BYTES, MAX_REQUEST_BYTES

from .conftest import INVOKE_PATH, REPO


def read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    try:
        while piece := sock.recv(65536):
            received += piece
    except ConnectionResetError:
        pass
    return received


def head_and_body(answer: bytes) -> tuple[bytes, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return head, body


def post(path: str, body: bytes) -> bytes:
    return f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body


def port_of(emulator, surface: str) -> int:
    return emulator.port if surface == "invoke" else emulator.function_url_port


@pytest.fixture
def emulator(start_emulator):
    return start_emulator("--function-url-port", "0", "--eager-init")


@pytest.mark.parametrize("surface", ["invoke", "url"])
def test_a_body_declared_over_6_mb_is_refused_before_it_is_read(emulator, surface) -> None:
    with socket.create_connection(("127.0.0.1", port_of(emulator, surface)), timeout=10) as sock:
        sock.sendall(
            f"POST {INVOKE_PATH} HTTP/1.1\r\nHost: x\r\n"
            f"Content-Length: {20 * 1024 * 1024}\r\n\r\n".encode()
        )
        head, body = head_and_body(read_until_closed(sock))
    assert head.startswith(b"HTTP/1.1 413 ")
    assert b"X-Amzn-ErrorType: RequestTooLargeException" in head
    assert json.loads(body)["message"] == (
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    )
    assert "START RequestId" not in emulator.output()


@pytest.mark.parametrize("surface", ["invoke", "url"])
def test_a_chunked_body_is_refused_at_the_6_mb_mark(emulator, surface) -> None:
    chunk = b"%x\r\n%b\r\n" % (1024 * 1024, b"x" * 1024 * 1024)
    with socket.create_connection(("127.0.0.1", port_of(emulator, surface)), timeout=10) as sock:
        sock.sendall(
            f"POST {INVOKE_PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        sent = 0
        # 20 MB, unless the answer comes first (sending on would draw a reset)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            while sent < 20 and not select.select([sock], [], [], 0.05)[0]:
                sock.sendall(chunk)
                sent += 1
        head, _ = head_and_body(read_until_closed(sock))
    assert head.startswith(b"HTTP/1.1 413 "), head
    assert b"RequestTooLargeException" in head
    assert sent < 20
    assert "START RequestId" not in emulator.output()


def test_a_body_of_exactly_6_mb_is_invoked(emulator) -> None:
    payload = json.dumps("a" * (MAX_REQUEST_BYTES - 2)).encode()
    assert len(payload) == MAX_REQUEST_BYTES
    status, _, body = emulator.invoke(payload)
    assert (status, json.loads(body)["ok"]) == (200, True)


STREAMING = [sys.executable, str(REPO / "bench" / "toys" / "streaming_runtime.py")]
STREAM_PATH = "/2021-11-15/functions/function/response-streaming-invocations"


@pytest.mark.parametrize("surface", ["invoke", "url"])
def test_an_http_1_0_caller_gets_a_stream_without_chunked_coding(start_emulator, surface) -> None:
    """HTTP/1.0 knows no chunked coding: the body goes as it is and the close ends it."""
    emulator = start_emulator("--function-url-port", "0", runtime=STREAMING)
    body = json.dumps({"chunks": ["first ", "second"], "pause_s": 0.1}).encode()
    path = STREAM_PATH if surface == "invoke" else "/"
    with socket.create_connection(("127.0.0.1", port_of(emulator, surface)), timeout=10) as sock:
        sock.sendall(f"POST {path} HTTP/1.0\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        head, body = head_and_body(read_until_closed(sock))
    assert head.startswith(b"HTTP/1.1 200 ")
    assert b"transfer-encoding" not in head.lower()
    assert b"Connection: close" in head
    if surface == "url":
        assert body == b"first second"
    else:  # the event stream's frames, unframed by HTTP: PayloadChunk, ..., InvokeComplete
        assert b"InvokeComplete" in body and b"first " in body and b"second" in body
        assert int.from_bytes(body[:4], "big") < len(body)  # a frame's length: no chunk size


@pytest.mark.parametrize("surface", ["invoke", "url"])
def test_a_caller_that_half_closes_after_its_request_gets_its_answer(emulator, surface) -> None:
    body = json.dumps({"mode": "sleep", "seconds": 0.3}).encode()
    with socket.create_connection(("127.0.0.1", port_of(emulator, surface)), timeout=10) as sock:
        sock.sendall(post(INVOKE_PATH, body) + post(INVOKE_PATH, b'{"n": 2}'))  # pipelined
        sock.shutdown(socket.SHUT_WR)
        answers = read_until_closed(sock)
    assert answers.count(b"HTTP/1.1 200 OK") == 2, answers
    assert answers.rstrip().endswith(b"}")


@pytest.fixture
def impatient(start_emulator):
    return start_emulator("--function-url-port", "0", "--eager-init", "--idle-timeout", "0.5")


def closed_within(sock: socket.socket, seconds: float) -> tuple[bytes, float]:
    sock.settimeout(seconds)
    started = time.monotonic()
    return read_until_closed(sock), time.monotonic() - started


@pytest.mark.parametrize("surface", ["invoke", "url"])
def test_an_idle_connection_is_closed(impatient, surface) -> None:
    with socket.create_connection(("127.0.0.1", port_of(impatient, surface))) as sock:
        received, elapsed = closed_within(sock, 5)
    assert received == b"" and elapsed < 3  # 0.5 to 1 s; never, before


@pytest.mark.parametrize("surface", ["invoke", "url"])
def test_a_head_sent_a_byte_at_a_time_is_cut_off(impatient, surface) -> None:
    """A slow head keeps the connection busy, so it is bounded as a whole, not per byte."""
    head = b"POST / HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 100
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port_of(impatient, surface))) as sock:
        for byte in head:  # until the emulator answers (sending on would draw a reset)
            if select.select([sock], [], [], 0.1)[0]:
                break
            sock.sendall(bytes([byte]))
        received, _ = closed_within(sock, 5)
    assert received.startswith(b"HTTP/1.1 408 ")
    assert time.monotonic() - started < 4  # the whole head would take 12 s


def test_a_body_that_stops_coming_gets_408(impatient) -> None:
    with socket.create_connection(("127.0.0.1", impatient.port)) as sock:
        sock.sendall(
            f"POST {INVOKE_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{}}".encode()
        )
        received, elapsed = closed_within(sock, 5)
    assert received.startswith(b"HTTP/1.1 408 ") and elapsed < 3
    assert "START RequestId" not in impatient.output()


def test_a_caller_waiting_for_its_answer_is_not_idle(impatient) -> None:
    """Waiting for a slow invocation, and keep-alive right after it, are no idleness."""
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=10) as sock:
        sock.sendall(post(INVOKE_PATH, json.dumps({"mode": "sleep", "seconds": 1.5}).encode()))
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200 OK")
        sock.sendall(post(INVOKE_PATH, b'{"n": 2}'))
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")


def test_an_event_invoke_over_1_mb_is_refused_and_never_queued(emulator) -> None:
    """Lambda's asynchronous limit: queued events are held until they run."""
    payload = json.dumps("a" * MAX_ASYNC_REQUEST_BYTES).encode()
    status, headers, body = emulator.invoke(payload, {"X-Amz-Invocation-Type": "Event"})
    assert (status, headers["X-Amzn-ErrorType"]) == (413, "RequestTooLargeException")
    assert json.loads(body)["message"] == (
        "Request must be smaller than 1048576 bytes for the InvokeFunction operation"
    )
    at_the_limit = json.dumps("a" * (MAX_ASYNC_REQUEST_BYTES - 2)).encode()
    status, _, _ = emulator.invoke(at_the_limit, {"X-Amz-Invocation-Type": "Event"})
    assert status == 202
    emulator.wait_for_output(r"^END RequestId")
    assert emulator.output().count("START RequestId") == 1
