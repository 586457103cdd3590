"""Issue 14 end to end: lambdaflow's runtime behind the emulator's Managed Instances mode.

Real processes: the emulator with --max-concurrency N runs `python -m lambdaflow` on the apps
in tests/e2e/apps; callers are threads with their own HTTP connections.
"""

from __future__ import annotations

import json
import os
import signal
import socketserver
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

ASYNC_APP = [sys.executable, "-m", "lambdaflow", "tests.e2e.apps.async_app:app"]
SYNC_APP = [sys.executable, "-m", "lambdaflow", "tests.e2e.apps.sync_app:app"]
CALLERS, PER_CALLER = 8, 20


class PeerServer(socketserver.ThreadingTCPServer):
    """The test's own line server: answers `peer:<line>` and counts its connections."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), PeerHandler)
        self.connections = 0
        self.requests = 0


class PeerHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server = self.server
        server.connections += 1
        for line in self.rfile:
            server.requests += 1
            self.wfile.write(b"peer:" + line)
            self.wfile.flush()


@pytest.fixture
def peer() -> Iterator[PeerServer]:
    server = PeerServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def invoke_all(emulator, events: list[dict], callers: int) -> list[tuple[int, bytes]]:
    def one(event: dict) -> tuple[int, bytes]:
        status, _, body = emulator.invoke(json.dumps(event), timeout=120)
        return status, body

    with ThreadPoolExecutor(callers) as pool:
        return list(pool.map(one, events))


def log_records(output: str) -> list[dict]:
    return [
        json.loads(line)
        for line in output.splitlines()
        if line.startswith("{") and '"message"' in line and '"n"' in line
    ]


def check_answers_and_logs(emulator, events: list[dict], results) -> list[dict]:
    """Each its own answer; START/END/REPORT for each; begin/end lines under its request id."""
    assert [status for status, _ in results] == [200] * len(events), results
    answers = [json.loads(body) for _, body in results]
    assert all(isinstance(answer, dict) and "n" in answer for answer in answers), answers[:3]
    assert [answer["n"] for answer in answers] == [event["n"] for event in events]
    ids = {answer["n"]: answer["request_id"] for answer in answers}
    assert len(set(ids.values())) == len(events)
    reports = emulator.reports(len(events), timeout=60)
    assert {report.group("request_id") for report in reports} == set(ids.values())
    output = emulator.output()
    for request_id in ids.values():
        assert f"START RequestId: {request_id} Version: $LATEST" in output
        assert f"END RequestId: {request_id}" in output
    records = log_records(output)
    for message in ("begin", "end"):
        logged = {r["n"]: r["request_id"] for r in records if r["message"] == message}
        assert logged == ids, message
    return answers


def test_async_handler_serves_eight_callers_at_once_on_one_loop(start_emulator, peer) -> None:
    emulator = start_emulator(
        "--max-concurrency",
        "8",
        runtime=ASYNC_APP,
        env={"E2E_PEER_PORT": str(peer.server_address[1])},
    )
    events = [{"n": n, "sleep_s": 0.1} for n in range(CALLERS * PER_CALLER)]
    started = time.monotonic()
    results = invoke_all(emulator, events, CALLERS)
    wall = time.monotonic() - started
    answers = check_answers_and_logs(emulator, events, results)
    assert wall < 8, wall  # sequential would be >= 16 s
    # the client made in the async cold_start served every invocation, on its one connection
    assert [answer["peer"] for answer in answers] == [f"peer:{n}" for n in range(len(events))]
    assert (peer.connections, peer.requests) == (1, len(events))
    assert emulator.output().count("Init Duration") == 1


def test_an_async_timeout_does_not_disturb_the_others(start_emulator, peer) -> None:
    emulator = start_emulator(
        "--max-concurrency",
        "9",
        "--timeout",
        "3",
        runtime=ASYNC_APP,
        env={"E2E_PEER_PORT": str(peer.server_address[1])},
    )
    with ThreadPoolExecutor(1) as slow_pool:
        slow = slow_pool.submit(emulator.invoke, json.dumps({"n": -1, "sleep_s": 30}), None)
        events = [{"n": n, "sleep_s": 0.1} for n in range(40)]
        results = invoke_all(emulator, events, CALLERS)
        slow_answer = slow.result(timeout=60)[2]
    # The runtime cancels the task at the same deadline as the emulator: whichever is first
    # answers (the emulator's timeout, or the runtime's DeadlineExceeded function error).
    assert slow_answer == b"Task timed out after 3.00 seconds" or (
        json.loads(slow_answer)["errorType"] == "DeadlineExceeded"
    ), slow_answer
    assert [json.loads(body)["n"] for _, body in results] == list(range(40))
    assert [status for status, _ in results] == [200] * 40
    status, _, body = emulator.invoke(json.dumps({"n": 99}))
    assert (status, json.loads(body)["n"]) == (200, 99)
    assert emulator.output().count("Init Duration") == 1  # never restarted
    slow_lines = [r["message"] for r in log_records(emulator.output()) if r["n"] == -1]
    assert slow_lines == ["begin"]  # cancelled in its sleep, never finished


def test_sync_handler_served_by_forked_workers(start_emulator) -> None:
    emulator = start_emulator("--max-concurrency", "4", runtime=SYNC_APP)
    events = [{"n": n, "sleep_s": 0.1} for n in range(CALLERS * PER_CALLER)]
    started = time.monotonic()
    results = invoke_all(emulator, events, CALLERS)
    wall = time.monotonic() - started
    answers = check_answers_and_logs(emulator, events, results)
    assert wall < 8, wall  # 4 at once: about 4 s; sequential would be >= 16 s
    assert len({answer["pid"] for answer in answers}) == 4
    assert emulator.output().count("Init Duration") == 1


def test_a_killed_worker_is_replaced_and_only_its_invocation_is_lost(start_emulator) -> None:
    emulator = start_emulator("--max-concurrency", "3", "--timeout", "4", runtime=SYNC_APP)
    with ThreadPoolExecutor(1) as victim_pool:
        victim = victim_pool.submit(emulator.invoke, json.dumps({"n": -1, "sleep_s": 30}), None)
        match = emulator.wait_for_output(r'^\{.*"message":"begin".*$', timeout=60)
        record = json.loads(match.group(0))
        assert record["n"] == -1
        os.kill(record["pid"], signal.SIGKILL)
        events = [{"n": n, "sleep_s": 0.1} for n in range(30)]
        results = invoke_all(emulator, events, 6)
        _, _, body = victim.result(timeout=60)
    assert body == b"Task timed out after 4.00 seconds"
    assert [status for status, _ in results] == [200] * 30
    answers = [json.loads(body) for _, body in results]
    assert [answer["n"] for answer in answers] == list(range(30))
    assert record["pid"] not in {answer["pid"] for answer in answers}
    emulator.wait_for_output(r"worker\.replaced")
    # once the emulator has timed the lost one out, all three slots serve again
    after = [{"n": n, "sleep_s": 0.3} for n in range(100, 118)]
    results = invoke_all(emulator, after, 6)
    assert [json.loads(body)["n"] for _, body in results] == [event["n"] for event in after]
    pids = {json.loads(body)["pid"] for _, body in results}
    assert len(pids) == 3 and record["pid"] not in pids, pids
    assert emulator.output().count("Init Duration") == 1  # the supervisor was not restarted


def test_a_sync_timeout_does_not_disturb_the_other_workers(start_emulator) -> None:
    emulator = start_emulator("--max-concurrency", "3", "--timeout", "2", runtime=SYNC_APP)
    with ThreadPoolExecutor(1) as slow_pool:
        slow = slow_pool.submit(emulator.invoke, json.dumps({"n": -1, "sleep_s": 4}), None)
        events = [{"n": n, "sleep_s": 0.1} for n in range(30)]
        results = invoke_all(emulator, events, 6)
        _, _, slow_answer = slow.result(timeout=60)
    assert slow_answer == b"Task timed out after 2.00 seconds"
    assert [status for status, _ in results] == [200] * 30
    assert [json.loads(body)["n"] for _, body in results] == list(range(30))
    # the slow worker finishes its sleep, its late answer is refused, and it serves on
    emulator.wait_for_output(r'"message":"end".*"n":-1|"n":-1.*"message":"end"', timeout=60)
    after = [{"n": n, "sleep_s": 0.3} for n in range(100, 112)]
    results = invoke_all(emulator, after, 6)
    assert len({json.loads(body)["pid"] for _, body in results}) == 3
    assert emulator.output().count("Init Duration") == 1
