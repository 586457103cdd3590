"""Checkpoint updates and the events they record, in process (the backend's rules)."""

from __future__ import annotations

import pytest

from lambdaflow.emulator.durable import checkpoint
from lambdaflow.emulator.durable.records import Execution


def _execution() -> Execution:
    return Execution("arn:x/durable-execution/n/1", "n", "arn:f", "$LATEST", "{}", 0.0, 60.0)


def _apply(execution: Execution, *updates: dict, now: float = 10.0) -> list[str]:
    checkpoint.check(execution, list(updates))
    return checkpoint.apply(
        execution, list(updates), now, lambda _e, op_id: f"cb-{op_id}", lambda *_: None
    )


def _step(action: str, **fields) -> dict:
    return {
        "Id": "s1",
        "Type": "STEP",
        "SubType": "Step",
        "Name": "work",
        "Action": action,
        **fields,
    }


def test_a_retried_step_counts_attempts_and_schedules_the_next() -> None:
    execution = _execution()
    error = {"ErrorType": "Boom", "ErrorMessage": "no"}
    _apply(execution, _step("START"))
    _apply(execution, _step("RETRY", Error=error, StepOptions={"NextAttemptDelaySeconds": 4}))
    op = execution.operations["s1"]
    assert op["Status"] == "PENDING"
    assert op["StepDetails"]["NextAttemptTimestamp"] == 14.0
    assert execution.timers["s1"] == ["retry", 14.0]
    _apply(execution, _step("START"), _step("SUCCEED", Payload='"ok"'), now=20.0)
    assert [e["EventType"] for e in execution.events] == [
        "StepStarted",
        "StepFailed",
        "StepStarted",
        "StepSucceeded",
    ]
    failed, succeeded = execution.events[1], execution.events[3]
    assert failed["StepFailedDetails"]["RetryDetails"] == {
        "CurrentAttempt": 1,
        "NextAttemptDelaySeconds": 4,
    }
    assert failed["StepFailedDetails"]["Error"]["Payload"] == error
    assert succeeded["StepSucceededDetails"]["RetryDetails"] == {"CurrentAttempt": 2}
    assert succeeded["StepSucceededDetails"]["Result"]["Payload"] == '"ok"'
    assert (succeeded["Name"], succeeded["SubType"], succeeded["EventId"]) == ("work", "Step", 4)
    assert op["Status"] == "SUCCEEDED" and op["EndTimestamp"] == 20.0


def test_a_retry_without_error_is_a_condition_check_that_succeeded() -> None:
    execution = _execution()
    _apply(execution, _step("START"), _step("RETRY", Payload="3"))
    assert execution.events[-1]["EventType"] == "StepSucceeded"
    assert execution.events[-1]["StepSucceededDetails"]["Result"]["Payload"] == "3"


def test_waits_and_callbacks_note_their_timers() -> None:
    execution = _execution()
    wait = {"Id": "w", "Type": "WAIT", "Action": "START", "WaitOptions": {"WaitSeconds": 30}}
    callback = {
        "Id": "c",
        "Type": "CALLBACK",
        "Action": "START",
        "CallbackOptions": {"TimeoutSeconds": 5, "HeartbeatTimeoutSeconds": 2},
    }
    assert _apply(execution, wait, callback) == ["w", "c"]
    assert execution.timers == {
        "w": ["wait", 40.0],
        "c": ["callback", 15.0],
        "c#heartbeat": ["heartbeat", 12.0],
    }
    started = execution.events[1]["CallbackStartedDetails"]
    assert started == {"CallbackId": "cb-c", "HeartbeatTimeout": 2, "Timeout": 5}
    assert execution.operations["c"]["CallbackDetails"] == {"CallbackId": "cb-c"}


@pytest.mark.parametrize(
    ("updates", "problem"),
    [
        ("not a list", "must be a list"),
        ([{"Id": "", "Type": "STEP", "Action": "START"}], "Id must be"),
        ([{"Id": ["x"], "Type": "STEP", "Action": "START"}], "Id must be"),
        ([{"Id": "a", "Type": "STEP", "Action": "CANCEL"}], "invalid action"),
        ([{"Id": "a", "Type": "NOPE", "Action": "START"}], "invalid action"),
        ([{"Id": "a", "Type": "STEP", "Action": "SUCCEED"}], "never started"),
        ([{"Id": "a", "Type": "STEP", "Action": "START", "Payload": 5}], "Payload"),
        (
            [{"Id": "a", "Type": "WAIT", "Action": "START", "WaitOptions": {"WaitSeconds": 0}}],
            "1 to",
        ),
        ([{"Id": "a", "Type": "WAIT", "Action": "START", "WaitOptions": []}], "an object"),
        ([{"Id": "a", "Type": "STEP", "Action": "START", "Error": "no"}], "ErrorObject"),
        ([{"Id": "a", "Type": "STEP", "Action": "START", "Name": 3}], "Name must"),
        ([{"Id": "a", "Type": "CHAINED_INVOKE", "Action": "START"}], "FunctionName"),
        (
            [
                {"Id": "a", "Type": "STEP", "Action": "START"},
                {"Id": "a", "Type": "STEP", "Action": "SUCCEED"},
                {"Id": "a", "Type": "STEP", "Action": "FAIL"},
            ],
            "already ended",
        ),
    ],
)
def test_a_bad_batch_is_refused_whole(updates, problem) -> None:
    execution = _execution()
    with pytest.raises(checkpoint.Refused, match=problem):
        checkpoint.check(execution, updates)
    assert execution.operations == {} and execution.events == []


def test_an_operation_of_another_type_is_refused() -> None:
    execution = _execution()
    _apply(execution, _step("START"))
    with pytest.raises(checkpoint.Refused, match="is a STEP"):
        checkpoint.check(execution, [{"Id": "s1", "Type": "WAIT", "Action": "START"}])


def test_an_execution_holds_a_bounded_number_of_operations(monkeypatch) -> None:
    monkeypatch.setattr(checkpoint, "MAX_OPERATIONS", 3)
    execution = _execution()
    _apply(execution, {"Id": "a", "Type": "STEP", "Action": "START"})
    _apply(execution, {"Id": "b", "Type": "STEP", "Action": "START"})
    with pytest.raises(checkpoint.Refused, match="at most 3"):
        _apply(
            execution,
            {"Id": "c", "Type": "STEP", "Action": "START"},
            {"Id": "d", "Type": "STEP", "Action": "START"},
        )
    _apply(execution, {"Id": "a", "Type": "STEP", "Action": "SUCCEED"})  # known ones move on
