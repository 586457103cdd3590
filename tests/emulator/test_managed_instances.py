"""Managed Instances mode (--max-concurrency N): N conversations, one per /next connection.

In-process on the fake clock for the rules (which /next belongs to which conversation, one
deadline each), then real processes: a stdlib runtime with N threads and connections, and
awslambdaric's own multi-concurrent runner (N forked workers)."""

from __future__ import annotations

import base64
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from lambdaflow.emulator.config import EmulatorConfig, runtime_environment
from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.sandbox.states import Event, Phase, transition

from .conftest import REPO
from .fakes import Harness

CONCURRENT = [sys.executable, str(REPO / "bench" / "toys" / "concurrent_runtime.py")]


class Connection:
    """A runtime connection's identity, as the Sandbox sees it: open or closed."""

    def __init__(self) -> None:
        self.closed = False


def next_on(harness: Harness, connection: Connection) -> Deferred:
    parked = harness.sandbox.next_invocation(connection)
    assert isinstance(parked, Deferred), parked
    return parked


def request_id(parked: Deferred) -> str:
    assert parked.response is not None
    return dict(parked.response.headers)["Lambda-Runtime-Aws-Request-Id"]


@pytest.mark.parametrize(
    ("phase", "after"),
    [
        (Phase.BUSY, Phase.RESPONDED),
        (Phase.STREAMING, Phase.RESPONDED),
        (Phase.RESPONDED, Phase.RESPONDED),
        (Phase.IDLE, None),
        (Phase.INITIALIZING, None),
    ],
)
def test_an_expired_invocation_leaves_its_conversation_waiting_for_next(phase, after) -> None:
    assert transition(phase, Event.EXPIRE) is after


def test_invocations_overlap_each_billed_to_its_own_connections_next() -> None:
    harness = Harness(max_concurrency=2)
    first, second = harness.invoke(b'{"n":1}'), harness.invoke(b'{"n":2}')
    one, two = Connection(), Connection()
    to_one, to_two = next_on(harness, one), next_on(harness, two)
    assert {to_one.response.body, to_two.response.body} == {b'{"n":1}', b'{"n":2}'}
    harness.clock.advance(0.010)
    assert harness.sandbox.post_response(request_id(to_two), b"two", {}, False).status == 202
    next_on(harness, two)  # ends the invocation on connection two only
    harness.clock.advance(0.020)
    assert harness.sandbox.post_response(request_id(to_one), b"one", {}, False).status == 202
    next_on(harness, one)
    harness.clock.run_soon()
    answers = {first.answer.response.body, second.answer.response.body}
    assert answers == {b"one", b"two"}
    durations = [line.split("\tDuration: ")[1].split(" ")[0] for line in harness.reports()]
    assert durations == ["10.00", "30.00"]
    assert len(harness.processes) == 1


def test_invokes_beyond_n_queue_until_a_conversation_asks_again() -> None:
    harness = Harness(max_concurrency=2)
    invocations = [harness.invoke(str(index).encode()) for index in range(3)]
    one, two = Connection(), Connection()
    to_one = next_on(harness, one)
    next_on(harness, two)
    assert invocations[2].delivered_at is None  # both conversations are busy
    harness.sandbox.post_response(request_id(to_one), b"ok", {}, False)
    assert next_on(harness, one).response.body == b"2"


def test_more_concurrent_nexts_than_conversations_are_refused() -> None:
    harness = Harness(max_concurrency=2)
    harness.sandbox.start_eagerly()
    next_on(harness, Connection())
    next_on(harness, Connection())
    refusal = harness.sandbox.next_invocation(Connection())
    assert refusal.status == 403 and b"InvalidStateTransition" in refusal.body


def test_a_hung_up_next_frees_its_conversation_for_a_new_connection() -> None:
    harness = Harness(max_concurrency=2)
    harness.sandbox.start_eagerly()
    old = Connection()
    parked = next_on(harness, old)
    other = next_on(harness, Connection())
    old.closed = True
    parked.abandon()  # what the server does when the connection goes
    harness.invoke(b"x")
    assert other.response.body == b"x"
    fresh = next_on(harness, Connection())  # takes up the conversation the old one left
    harness.invoke(b"y")
    assert fresh.response.body == b"y"


def test_a_deadline_ends_its_own_invocation_only() -> None:
    harness = Harness(timeout_s=2.0, max_concurrency=2)
    slow, fast = harness.invoke(b"slow"), harness.invoke(b"fast")
    one, two = Connection(), Connection()
    to_one, to_two = next_on(harness, one), next_on(harness, two)
    slow_parked, fast_parked = (
        (to_one, to_two) if to_one.response.body == b"slow" else (to_two, to_one)
    )
    slow_connection = one if slow_parked is to_one else two
    fast_connection = two if slow_connection is one else one
    harness.clock.advance(1.0)
    harness.sandbox.post_response(request_id(fast_parked), b"done", {}, False)
    harness.clock.advance(1.5)  # the slow one's deadline passes; the fast one is answered
    harness.clock.run_soon()
    assert slow.answer.response.body == b"Task timed out after 2.00 seconds"
    assert fast.answer.response.body == b"done"
    assert not harness.processes[0].killed  # the other invocations share the process
    late = harness.sandbox.post_response(request_id(slow_parked), b"late", {}, False)
    assert late.status == 403  # the late answer is refused
    queued = harness.invoke(b"after")
    next_on(harness, slow_connection)  # the conversation serves on
    assert queued.delivered_at is not None
    next_on(harness, fast_connection)
    assert len(harness.reports()) == 2


def test_the_runtime_is_told_its_concurrency() -> None:
    config = EmulatorConfig(command=("x",), max_concurrency=4)
    assert runtime_environment(config, "api", {})["AWS_LAMBDA_MAX_CONCURRENCY"] == "4"
    single = EmulatorConfig(command=("x",))
    assert "AWS_LAMBDA_MAX_CONCURRENCY" not in runtime_environment(
        single, "api", {"AWS_LAMBDA_MAX_CONCURRENCY": "4"}
    )


# -- real processes -------------------------------------------------------------------------


def invoke_all(emulator, events: list[dict], callers: int) -> list[tuple[int, bytes]]:
    def one(event: dict) -> tuple[int, bytes]:
        status, _, body = emulator.invoke(json.dumps(event))
        return status, body

    with ThreadPoolExecutor(callers) as pool:
        return list(pool.map(one, events))


def test_eight_callers_each_get_their_own_answer(start_emulator) -> None:
    emulator = start_emulator("--max-concurrency", "4", runtime=CONCURRENT)
    events = [{"sleep_s": 0.05, "n": index} for index in range(40)]
    results = invoke_all(emulator, events, callers=8)
    answers = [json.loads(body) for status, body in results if status == 200]
    assert [answer["event"]["n"] for answer in answers] == list(range(40))
    assert {answer["worker"] for answer in answers} == {0, 1, 2, 3}  # N workers, all used
    reports = emulator.reports(40)
    assert {report.group("request_id") for report in reports} == {
        answer["request_id"] for answer in answers
    }
    output = emulator.output()
    for answer in answers:
        assert f"START RequestId: {answer['request_id']} Version: $LATEST" in output
        assert f"END RequestId: {answer['request_id']}" in output
    assert output.count("Init Duration") == 1


def test_a_timeout_does_not_disturb_the_others(start_emulator) -> None:
    emulator = start_emulator("--max-concurrency", "4", "--timeout", "1", runtime=CONCURRENT)
    events = [{"sleep_s": 3, "n": "slow"}] + [{"sleep_s": 0.1, "n": n} for n in range(12)]
    results = invoke_all(emulator, events, callers=8)
    assert results[0] == (200, b"Task timed out after 1.00 seconds")
    assert [json.loads(body)["event"]["n"] for _, body in results[1:]] == list(range(12))
    emulator.wait_for_output(r"^worker \d answer refused: .*InvalidStateTransition")
    status, _, body = emulator.invoke(json.dumps({"n": "after"}))
    assert (status, json.loads(body)["event"]["n"]) == (200, "after")
    assert emulator.output().count("Init Duration") == 1  # never restarted


def test_awslambdaric_multi_concurrent_runner_is_served(start_emulator, tmp_path) -> None:
    pytest.importorskip("awslambdaric")
    (tmp_path / "fn.py").write_text(
        "import os, time\n"
        "def handler(event, context):\n"
        "    time.sleep(0.2)\n"
        "    return {'pid': os.getpid(), 'n': event['n'], 'id': context.aws_request_id}\n"
    )
    emulator = start_emulator(
        "--max-concurrency",
        "3",
        runtime=[sys.executable, "-m", "awslambdaric", "fn.handler"],
        env={"PYTHONPATH": str(tmp_path), "LAMBDA_TASK_ROOT": str(tmp_path)},
    )
    results = invoke_all(emulator, [{"n": index} for index in range(9)], callers=6)
    answers = [json.loads(body) for status, body in results if status == 200]
    assert [answer["n"] for answer in answers] == list(range(9))
    assert len({answer["pid"] for answer in answers}) == 3  # its forked workers, all serving
    emulator.reports(9)


def test_log_tails_under_overlap_hold_each_invocations_own_lines() -> None:
    harness = Harness(max_concurrency=2)
    first, second = harness.invoke(b"1", capture_log=True), harness.invoke(b"2", capture_log=True)
    one, two = Connection(), Connection()
    to_one, to_two = next_on(harness, one), next_on(harness, two)
    harness.sandbox.post_response(request_id(to_one), b"ok", {}, False)
    harness.sandbox.post_response(request_id(to_two), b"ok", {}, False)
    next_on(harness, one)
    next_on(harness, two)
    for invocation in (first, second):
        headers = dict(invocation.answer.response.headers)
        tail = base64.b64decode(headers["X-Amz-Log-Result"]).decode()
        assert f"END RequestId: {invocation.request_id}" in tail
        assert f"REPORT RequestId: {invocation.request_id}" in tail
