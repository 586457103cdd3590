"""Hostile callers on the streaming surfaces (issue 22): each test drives the real emulator
over loopback with a real runtime subprocess, the way an attacker on the host could."""

from __future__ import annotations

import json
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from .conftest import REPO

CONCURRENT = [sys.executable, str(REPO / "bench" / "toys" / "concurrent_runtime.py")]
STREAM_PATH = "/2021-11-15/functions/function/response-streaming-invocations"


def send_raw(port: int, request: bytes, receive_buffer: int | None = None) -> socket.socket:
    """A caller on a raw socket: the request goes out, nothing is read yet."""
    sock = socket.socket()
    if receive_buffer is not None:  # a slow reader: the emulator's writes back up at once
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(("127.0.0.1", port))
    sock.sendall(request)
    return sock


def post(path: str, body: bytes, headers: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\n{headers}Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def test_a_timed_out_slow_stream_gives_its_slot_back(start_emulator) -> None:
    """Managed Instances: a caller that never reads a 100 MB stream must not keep the runtime's
    POST paused once the deadline ended the invocation: its slot serves the next invokes."""
    emulator = start_emulator("--max-concurrency", "2", "--timeout", "2", runtime=CONCURRENT)
    event = json.dumps({"stream": [100, 1024 * 1024]}).encode()
    slow = send_raw(emulator.port, post(STREAM_PATH, event), receive_buffer=4096)
    try:
        emulator.wait_for_output(r"^END RequestId", timeout=10)  # the deadline ended it
        started = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            results = list(
                pool.map(lambda n: emulator.invoke(json.dumps({"sleep_s": 1, "n": n})), range(4))
            )
        elapsed = time.monotonic() - started
    finally:
        slow.close()
    assert [json.loads(body)["event"]["n"] for _, _, body in results] == [0, 1, 2, 3]
    assert elapsed < 3.5, f"four 1 s invokes on 2 slots took {elapsed:.1f} s"


def test_an_error_body_nested_too_deeply_still_completes_the_stream(start_emulator) -> None:
    emulator = start_emulator()
    deep = "[" * 990 + "]" * 990
    event = json.dumps({"mode": "error", "error_body": deep})
    status, _, body = emulator.invoke(event, path=STREAM_PATH, timeout=10)
    assert status == 200
    assert b"InvokeComplete" in body and b'"ErrorCode": "Unhandled"' in body


@pytest.mark.parametrize("invocation_type", ["Event", "event", "Other"])
def test_invoke_with_response_stream_offers_no_event_type(start_emulator, invocation_type) -> None:
    """Lambda's API has RequestResponse and DryRun only; an Event's stream would be held whole
    in memory for no caller (one 150 MB stream: 24 -> 178 MB)."""
    emulator = start_emulator("--eager-init")
    headers = {"X-Amz-Invocation-Type": invocation_type}
    status, answer_headers, body = emulator.invoke(b"{}", headers, path=STREAM_PATH)
    assert status == 400
    assert answer_headers["X-Amzn-ErrorType"] == "ValidationException"
    assert "[RequestResponse, DryRun]" in json.loads(body)["message"]
    status, _, _ = emulator.invoke(b"{}", path=STREAM_PATH)
    assert status == 200
    assert emulator.output().count("START RequestId") == 1  # only the second one ran


TYPED = [sys.executable, "-m", "lambdaflow", "tests.emulator.lambdaflow_typed_app:app"]


def test_a_string_is_no_list_of_strings(start_emulator) -> None:
    emulator = start_emulator(runtime=TYPED)
    status, headers, body = emulator.invoke(json.dumps({"user": "u", "roles": "admin"}))
    assert (status, headers.get("X-Amz-Function-Error")) == (200, "Unhandled")
    error = json.loads(body)
    assert error["errorType"] == "Runtime.UnmarshalError"
    assert "roles: expected array, got string" in error["errorMessage"]
    _, _, body = emulator.invoke(json.dumps({"user": "u", "roles": ["admin"]}))
    assert json.loads(body) == {"user": "u", "roles": ["admin"]}


def test_the_error_for_200000_bad_items_stays_small(start_emulator) -> None:
    """A 400 KB event of 200,000 wrong-typed items: the caller gets the UnmarshalError (not
    Function.ResponseSizeTooLarge), naming the first problems, and no log line is huge."""
    emulator = start_emulator(runtime=TYPED)
    event = json.dumps({"user": "u", "roles": [1] * 200_000}, separators=(",", ":"))
    assert len(event) > 400_000
    started = time.monotonic()
    status, _, body = emulator.invoke(event)
    elapsed = time.monotonic() - started
    error = json.loads(body)
    assert (status, error["errorType"]) == (200, "Runtime.UnmarshalError")
    assert error["errorMessage"].startswith(
        "The event does not match Grant: roles[0]: expected string, got number; roles[1]:"
    )
    assert error["errorMessage"].endswith("and more problems not listed")
    assert len(body) < 8192
    emulator.reports(1)
    assert max(len(line) for line in emulator.output().splitlines()) < 8192
    assert "xray_cause_refused" not in emulator.output()
    assert elapsed < 1.5
