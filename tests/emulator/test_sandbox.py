"""The Sandbox's lifecycle in-process: a fake runtime process and a fake clock.

Each test plays the runtime's side (``/next``, ``/response``, exit) against the real Sandbox,
and checks what the caller gets and what REPORT bills, to the hundredth of a millisecond.
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.emulator.output.report import REPORT_LINE, billed_ms
from lambdaflow.emulator.sandbox.states import TRANSITIONS, Event, Phase, transition
from lambdaflow.limits import MAX_RESPONSE_BYTES

from .fakes import Harness


def duration_of(report: str) -> str:
    match = REPORT_LINE.match(report)
    assert match, report
    return match.group("duration_ms")


@pytest.mark.parametrize(("ms", "billed"), [(1.01, 2), (1.0, 1), (0.2, 1), (1.5, 2), (2.49, 3)])
def test_billed_duration_rounds_every_started_millisecond_up(ms: float, billed: int) -> None:
    assert billed_ms(ms) == billed


@pytest.mark.parametrize(
    ("phase", "event", "after"),
    [
        (Phase.STOPPED, Event.SPAWN, Phase.INITIALIZING),
        (Phase.INITIALIZING, Event.NEXT, Phase.IDLE),
        (Phase.INITIALIZING, Event.INIT_ERROR, Phase.INIT_FAILED),
        (Phase.IDLE, Event.DELIVER, Phase.BUSY),
        (Phase.IDLE, Event.NEXT, Phase.IDLE),
        (Phase.BUSY, Event.RESPONSE, Phase.RESPONDED),
        (Phase.BUSY, Event.ERROR, Phase.RESPONDED),
        (Phase.RESPONDED, Event.NEXT, Phase.IDLE),
        (Phase.BUSY, Event.TIMEOUT, Phase.STOPPED),
        (Phase.RESPONDED, Event.EXIT, Phase.STOPPED),
        (Phase.BUSY, Event.NEXT, None),  # a second /next while busy: 403
        (Phase.RESPONDED, Event.RESPONSE, None),  # a second answer: 403
        (Phase.INIT_FAILED, Event.NEXT, None),
        (Phase.STOPPED, Event.NEXT, None),
        (Phase.IDLE, Event.RESPONSE, None),
        (Phase.BUSY, Event.STREAM, Phase.STREAMING),
        (Phase.STREAMING, Event.RESPONSE, Phase.RESPONDED),  # the stream's end, or its cut
        (Phase.STREAMING, Event.TIMEOUT, Phase.STOPPED),
        (Phase.STREAMING, Event.EXIT, Phase.STOPPED),
        (Phase.STREAMING, Event.NEXT, None),  # /next while the answer still streams: 403
        (Phase.STREAMING, Event.ERROR, None),
        (Phase.STREAMING, Event.STREAM, None),
        (Phase.IDLE, Event.STREAM, None),
        (Phase.RESPONDED, Event.STREAM, None),
    ],
)
def test_transition_table(phase: Phase, event: Event, after: Phase | None) -> None:
    assert transition(phase, event) is after


@given(st.lists(st.sampled_from(list(Event)), max_size=40))
def test_every_path_through_the_table_can_end_and_start_again(events: list[Event]) -> None:
    phase = Phase.STOPPED
    for event in events:
        phase = transition(phase, event) or phase
    assert transition(phase, Event.EXIT) in (Phase.STOPPED, None)
    assert phase is Phase.STOPPED or transition(phase, Event.EXIT) is Phase.STOPPED
    assert set(TRANSITIONS) == set(Phase)


def test_duration_runs_from_delivery_to_the_next_next() -> None:
    harness = Harness()
    invocation = harness.invoke()
    assert len(harness.processes) == 1
    harness.clock.advance(0.050)  # init
    event = harness.next()
    assert event.done and event.response.body == b"{}"
    harness.clock.advance(0.00512)
    reply = harness.sandbox.post_response(invocation.request_id, b"ok", {}, False)
    assert reply.status == 202
    assert not invocation.answer.done  # the runtime's 202 goes first
    harness.clock.run_soon()
    assert invocation.answer.response.body == b"ok"
    assert harness.reports() == []  # still billed: the runtime has not asked again
    harness.clock.advance(0.0102)
    harness.next()
    (report,) = harness.reports()
    assert duration_of(report) == "15.32"
    assert "\tBilled Duration: 16 ms\t" in report
    assert "\tInit Duration: 50.00 ms\t" in report


def test_a_pipelined_next_answers_the_caller_before_reporting() -> None:
    harness = Harness()
    invocation = harness.invoke()
    harness.next()
    harness.clock.advance(0.002)
    harness.sandbox.post_response(invocation.request_id, b"ok", {}, False)
    harness.next()  # in the same read as the response: no loop turn in between
    assert invocation.answer.response.body == b"ok"
    assert duration_of(harness.reports()[0]) == "2.00"


def test_the_next_invocation_is_delivered_on_the_next_that_ends_the_previous() -> None:
    harness = Harness()
    first, second = harness.invoke(b"1"), harness.invoke(b"2")
    harness.next()
    harness.sandbox.post_response(first.request_id, b"a", {}, False)
    event = harness.next()
    assert event.response.body == b"2"
    lines = [line.split()[0] for line in harness.lines()]
    assert lines == ["START", "END", "REPORT", "START"]
    assert not second.answer.done


def test_an_exit_after_the_answer_ends_the_duration() -> None:
    harness = Harness()
    invocation = harness.invoke()
    harness.next()
    harness.sandbox.post_response(invocation.request_id, b"ok", {}, False)
    harness.clock.advance(0.25)
    harness.processes[0].exit(0)
    assert invocation.answer.response.body == b"ok"
    assert duration_of(harness.reports()[0]) == "250.00"


def test_an_answered_invocation_without_a_next_is_billed_to_its_deadline() -> None:
    harness = Harness(timeout_s=2.0)
    invocation = harness.invoke()
    harness.next()
    harness.clock.advance(0.5)
    harness.sandbox.post_response(invocation.request_id, b"ok", {}, False)
    harness.clock.advance(5)
    assert harness.processes[0].killed
    assert invocation.answer.response.body == b"ok"  # the caller's answer is not undone
    assert duration_of(harness.reports()[0]) == "2000.00"
    assert harness.sandbox.phase is Phase.STOPPED


def test_a_timeout_is_a_function_error_with_the_executed_version() -> None:
    harness = Harness(timeout_s=1.0)
    invocation = harness.invoke()
    harness.next()
    harness.clock.advance(1.5)
    answer = invocation.answer.response
    assert isinstance(answer, HttpResponse)
    assert answer.body == b"Task timed out after 1.00 seconds"
    headers = dict(answer.headers)
    assert headers["X-Amz-Function-Error"] == "Unhandled"
    assert headers["X-Amz-Executed-Version"] == "$LATEST"
    assert duration_of(harness.reports()[0]) == "1000.00"


def test_an_exit_mid_invoke_is_a_function_error() -> None:
    harness = Harness()
    invocation = harness.invoke()
    harness.next()
    harness.processes[0].exit(7)
    answer = invocation.answer.response
    assert answer.status == 502
    assert dict(answer.headers)["X-Amz-Function-Error"] == "Unhandled"
    assert b"exit status 7" in answer.body


def test_a_second_next_while_busy_is_refused_and_the_invocation_survives() -> None:
    harness = Harness()
    invocation = harness.invoke()
    harness.next()
    refused = harness.sandbox.next_invocation()
    assert isinstance(refused, HttpResponse) and refused.status == 403
    assert b"State transition from Running to Ready" in refused.body
    assert harness.sandbox.post_response(invocation.request_id, b"ok", {}, False).status == 202


def test_a_log_tail_holds_the_answer_until_the_invocation_ends() -> None:
    harness = Harness()
    invocation = harness.invoke(capture_log=True)
    harness.next()
    harness.sandbox.post_response(invocation.request_id, b"ok", {}, False)
    harness.clock.run_soon()
    assert not invocation.answer.done
    harness.clock.advance(0.003)
    harness.next()
    headers = dict(invocation.answer.response.headers)
    tail = base64.b64decode(headers["X-Amz-Log-Result"]).decode()
    assert tail.startswith("START RequestId: " + invocation.request_id)
    assert "\tDuration: 3.00 ms\t" in tail


def test_response_lines_give_the_response_time_beside_the_billed_duration() -> None:
    harness = Harness(response_lines=True)
    invocation = harness.invoke()
    harness.next()
    harness.clock.advance(0.004)
    harness.sandbox.post_response(invocation.request_id, b"ok", {}, False)
    harness.clock.advance(0.006)
    harness.next()
    assert harness.lines()[-1] == (
        f"RESPONSE RequestId: {invocation.request_id}\tResponse Duration: 4.00 ms\t"
    )


@pytest.mark.parametrize("route", ["response", "error"])
def test_an_answer_over_the_limit_is_refused_to_both_sides(route: str) -> None:
    harness = Harness()
    invocation = harness.invoke()
    harness.next()
    body = b"x" * (MAX_RESPONSE_BYTES + 1)
    if route == "response":
        reply = harness.sandbox.post_response(invocation.request_id, body, {}, False)
    else:
        reply = harness.sandbox.post_error(invocation.request_id, body)
    assert reply.status == 413
    harness.clock.run_soon()
    answer = invocation.answer.response
    assert dict(answer.headers)["X-Amz-Function-Error"] == "Unhandled"
    assert b"Function.ResponseSizeTooLarge" in answer.body and len(answer.body) < 300
    harness.next()  # the runtime carries on
    assert len(harness.reports()) == 1


def test_streamed_error_trailers_become_a_function_error() -> None:
    harness = Harness()
    invocation = harness.invoke()
    harness.next()
    trailers = {
        "lambda-runtime-function-error-type": "Boom",
        "lambda-runtime-function-error-body": base64.b64encode(b'{"errorType":"Boom"}').decode(),
    }
    assert (
        harness.sandbox.post_response(invocation.request_id, b"par", trailers, True).status == 202
    )
    harness.clock.run_soon()
    assert invocation.answer.response.body == b'{"errorType":"Boom"}'


def test_an_invoke_queued_behind_a_hung_up_next_times_out() -> None:
    harness = Harness(timeout_s=2.0)
    harness.sandbox.start_eagerly()
    harness.next().abandon()  # the runtime hung up its /next and never asks again
    invocation = harness.invoke()
    harness.clock.advance(1.9)
    assert not invocation.answer.done
    harness.clock.advance(0.2)
    assert harness.processes[0].killed
    assert invocation.answer.response.body == b"Task timed out after 2.00 seconds"
    assert harness.sandbox.phase is Phase.STOPPED


def test_a_runtime_that_asks_again_after_hanging_up_is_served() -> None:
    harness = Harness()
    harness.sandbox.start_eagerly()
    harness.next().abandon()
    invocation = harness.invoke()
    event = harness.next()
    assert event.response.body == b"{}"
    assert harness.sandbox.post_response(invocation.request_id, b"ok", {}, False).status == 202
