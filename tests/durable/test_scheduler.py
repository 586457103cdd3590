"""The scheduler in process, on virtual time: tokens, timers and the order of events."""

from __future__ import annotations

import json

from lambdaflow.durable.testing import VirtualClock
from lambdaflow.emulator.durable.records import Store, execution_arn
from lambdaflow.emulator.durable.scheduler import Scheduler
from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.emulator.routes import rie_responses

FUNCTION = "arn:aws:lambda:us-east-1:012345678912:function:f"


def _scheduler(time_skipping: bool = False):
    clock, invocations = VirtualClock(), []
    scheduler = Scheduler(Store(), clock, invocations.append, time_skipping=time_skipping)
    execution = scheduler.start(
        FUNCTION, "$LATEST", "n", execution_arn(FUNCTION, "$LATEST", "n"), "{}"
    )
    return scheduler, clock, invocations, execution


def _token(invocation) -> str:
    return json.loads(invocation.payload)["CheckpointToken"]


def _answer(invocation, status: str = "PENDING") -> None:
    invocation.answer.resolve(HttpResponse(200, json.dumps({"Status": status}).encode()))


def test_a_stopped_execution_takes_no_more_checkpoints() -> None:
    scheduler, _clock, invocations, execution = _scheduler()
    token = _token(invocations[0])
    assert scheduler.token_valid(execution, token)
    scheduler.stop(execution, None)
    assert not scheduler.token_valid(execution, token)
    _answer(invocations[0], "SUCCEEDED")  # its late answer changes nothing
    assert execution.status == "STOPPED"
    assert [e["EventType"] for e in execution.events] == ["ExecutionStarted", "ExecutionStopped"]


def test_a_wait_ends_after_the_invocation_that_set_it_even_when_skipped() -> None:
    scheduler, _clock, invocations, execution = _scheduler(time_skipping=True)
    wait = {"Id": "w", "Type": "WAIT", "Action": "START", "WaitOptions": {"WaitSeconds": 3600}}
    scheduler.checkpoint(execution, [wait])
    _answer(invocations[0])
    assert [e["EventType"] for e in execution.events] == [
        "ExecutionStarted",
        "WaitStarted",
        "InvocationCompleted",
        "WaitSucceeded",
    ]
    assert json.loads(invocations[1].payload)["UpdatedOperationIds"] == ["w"]
    assert not scheduler.token_valid(execution, _token(invocations[0]))


def test_without_skipping_a_wait_takes_its_time_and_failed_invocations_are_retried() -> None:
    scheduler, clock, invocations, execution = _scheduler()
    wait = {"Id": "w", "Type": "WAIT", "Action": "START", "WaitOptions": {"WaitSeconds": 30}}
    scheduler.checkpoint(execution, [wait])
    started = clock.now()
    _answer(invocations[0])
    assert len(invocations) == 1
    clock.run_next(stop_at=scheduler.time_out)
    assert clock.now() - started == 30 and len(invocations) == 2
    crash = rie_responses.runtime_exit_error(invocations[1].request_id, "exit status 1")
    invocations[1].answer.resolve(crash)
    clock.run_next(stop_at=scheduler.time_out)  # the retry's backoff
    assert len(invocations) == 3
    completed = [e for e in execution.events if e["EventType"] == "InvocationCompleted"]
    assert completed[1]["InvocationCompletedDetails"]["Error"]["Payload"]["ErrorType"] == (
        "Runtime.ExitError"
    )


def test_an_output_of_the_wrong_types_fails_the_invocation_instead_of_the_caller() -> None:
    """A Result that is no string or an Error that is no object cannot be answered: it is the
    function's invalid response (and retried), never stored as the execution's outcome."""
    for output in ({"Status": "SUCCEEDED", "Result": {"a": 1}}, {"Status": "FAILED", "Error": "x"}):
        _, _clock, invocations, execution = _scheduler(time_skipping=True)
        invocations[0].answer.resolve(HttpResponse(200, json.dumps(output).encode()))
        [completed] = [e for e in execution.events if e["EventType"] == "InvocationCompleted"]
        error = completed["InvocationCompletedDetails"]["Error"]["Payload"]
        assert error["ErrorType"] == "Runtime.InvalidResponse"
        assert execution.status == "RUNNING" and execution.result is None
