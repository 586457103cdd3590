"""The emulator as a durable backend: the real emulator, the lambdaflow runtime, the official
SDK inside the function and boto3 outside, over loopback."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.durable.conftest import lambda_client

ARN = re.compile(
    r"^arn:aws:lambda:us-east-1:012345678912:function:test_function:\$LATEST"
    r"/durable-execution/(?P<name>[A-Za-z0-9_-]+)/[0-9a-f-]{36}$"
)


def _wait_for(check, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def _events(client, arn: str) -> list[dict[str, Any]]:
    history = client.get_durable_execution_history(
        DurableExecutionArn=arn, IncludeExecutionData=True
    )
    return history["Events"]


def _ended(client, arn: str) -> dict[str, Any] | None:
    execution = client.get_durable_execution(DurableExecutionArn=arn)
    return execution if execution["Status"] != "RUNNING" else None


def test_sync_invoke_runs_steps_across_a_skipped_wait(durable_emulator) -> None:
    emulator = durable_emulator("tests.durable.apps:steps", "--durable-time-skipping")
    client = lambda_client(emulator.port)
    started = time.monotonic()
    answer = client.invoke(
        FunctionName="function", Payload=json.dumps({"name": "bob"}), DurableExecutionName="first"
    )
    assert time.monotonic() - started < 30  # the 60 s wait passed at once
    assert "FunctionError" not in answer
    assert json.loads(answer["Payload"].read()) == {"first": "hello bob", "second": "HELLO BOB"}
    arn = answer["DurableExecutionArn"]
    assert ARN.match(arn)["name"] == "first"
    events = _events(client, arn)
    assert [(e["EventType"], e.get("Name")) for e in events] == [
        ("ExecutionStarted", None),
        ("StepStarted", "greet"),
        ("StepSucceeded", "greet"),
        ("WaitStarted", "pause"),
        ("InvocationCompleted", None),
        ("WaitSucceeded", "pause"),
        ("StepStarted", "shout"),
        ("StepSucceeded", "shout"),
        ("InvocationCompleted", None),
        ("ExecutionSucceeded", None),
    ]
    assert [e["EventId"] for e in events] == list(range(1, 11))
    assert events[0]["Id"] == events[-1]["Id"]  # the execution's events name its operation
    assert events[3]["WaitStartedDetails"]["Duration"] == 60
    assert events[2]["StepSucceededDetails"]["Result"]["Payload"] == '"hello bob"'
    request_ids = {e["InvocationCompletedDetails"]["RequestId"] for e in events[4::4]}
    assert len(request_ids) == 2  # two invocations, each named by the one it was
    assert request_ids <= set(re.findall(r"START RequestId: (\S+)", emulator.output()))
    for name in ("function", "test_function", arn.partition("/")[0]):  # name, qualified ARN
        listed = client.list_durable_executions_by_function(FunctionName=name)
        assert [e["DurableExecutionArn"] for e in listed["DurableExecutions"]] == [arn]
    # the history without execution data keeps no payloads
    bare = client.get_durable_execution_history(DurableExecutionArn=arn)["Events"]
    assert "Payload" not in bare[2]["StepSucceededDetails"]["Result"]


def test_a_name_starts_one_execution(durable_emulator) -> None:
    emulator = durable_emulator("tests.durable.apps:callback")
    client = lambda_client(emulator.port)
    first = client.invoke(
        FunctionName="function", InvocationType="Event", Payload=b"{}", DurableExecutionName="once"
    )
    assert first["StatusCode"] == 202
    again = client.invoke(
        FunctionName="function", InvocationType="Event", Payload=b"{}", DurableExecutionName="once"
    )
    assert again["DurableExecutionArn"] == first["DurableExecutionArn"]
    with pytest.raises(ClientError) as refused:
        client.invoke(
            FunctionName="function",
            InvocationType="Event",
            Payload=b'{"other": 1}',
            DurableExecutionName="once",
        )
    assert refused.value.response["Error"]["Code"] == "DurableExecutionAlreadyStartedException"


def test_a_callback_answered_from_outside_resumes_the_execution(durable_emulator) -> None:
    emulator = durable_emulator("tests.durable.apps:callback")
    client = lambda_client(emulator.port)
    arn = client.invoke(FunctionName="function", InvocationType="Event", Payload=b"{}")[
        "DurableExecutionArn"
    ]
    started = _wait_for(
        lambda: [e for e in _events(client, arn) if e["EventType"] == "CallbackStarted"]
    )[0]
    assert started["CallbackStartedDetails"]["Timeout"] == 300
    callback_id = started["CallbackStartedDetails"]["CallbackId"]
    client.send_durable_execution_callback_heartbeat(CallbackId=callback_id)
    client.send_durable_execution_callback_success(CallbackId=callback_id, Result=b"alice")
    ended = _wait_for(lambda: _ended(client, arn))
    assert (ended["Status"], json.loads(ended["Result"])) == ("SUCCEEDED", "approved by alice")
    with pytest.raises(ClientError) as gone:  # answered once, the callback is closed
        client.send_durable_execution_callback_success(CallbackId=callback_id, Result=b"bob")
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_crash_mid_step_is_retried_in_a_fresh_process(durable_emulator, tmp_path) -> None:
    marker = tmp_path / "crashed-pid"
    emulator = durable_emulator(
        "tests.durable.apps:crashing", env={"DURABLE_TEST_MARKER": str(marker)}
    )
    client = lambda_client(emulator.port)
    answer = client.invoke(FunctionName="function", Payload=b"{}")
    survivor = json.loads(answer["Payload"].read())
    assert survivor != int(marker.read_text())  # another process finished the step
    completed = [
        e["InvocationCompletedDetails"]
        for e in _events(client, answer["DurableExecutionArn"])
        if e["EventType"] == "InvocationCompleted"
    ]
    assert completed[0]["Error"]["Payload"]["ErrorType"] == "Runtime.ExitError"
    assert "Error" not in completed[1]


def test_stop_ends_a_waiting_execution(durable_emulator) -> None:
    emulator = durable_emulator("tests.durable.apps:callback")
    client = lambda_client(emulator.port)
    arn = client.invoke(FunctionName="function", InvocationType="Event", Payload=b"{}")[
        "DurableExecutionArn"
    ]
    _wait_for(lambda: any(e["EventType"] == "InvocationCompleted" for e in _events(client, arn)))
    client.stop_durable_execution(
        DurableExecutionArn=arn, Error={"ErrorType": "Cancelled", "ErrorMessage": "by a test"}
    )
    assert client.get_durable_execution(DurableExecutionArn=arn)["Status"] == "STOPPED"
    last = _events(client, arn)[-1]
    assert last["EventType"] == "ExecutionStopped"
    assert last["ExecutionStoppedDetails"]["Error"]["Payload"]["ErrorType"] == "Cancelled"


def test_the_execution_timeout_ends_it(durable_emulator) -> None:
    emulator = durable_emulator("tests.durable.apps:steps", "--durable-execution-timeout", "1")
    client = lambda_client(emulator.port)
    arn = client.invoke(FunctionName="function", InvocationType="Event", Payload=b'{"name": "x"}')[
        "DurableExecutionArn"
    ]
    ended = _wait_for(lambda: _ended(client, arn), timeout=20)
    assert ended["Status"] == "TIMED_OUT"
    assert _events(client, arn)[-1]["EventType"] == "ExecutionTimedOut"


def test_executions_survive_a_restart_with_a_state_file(durable_emulator, tmp_path) -> None:
    state = str(tmp_path / "durable.json")
    first = durable_emulator("tests.durable.apps:callback", "--durable-state", state)
    client = lambda_client(first.port)
    arn = client.invoke(FunctionName="function", InvocationType="Event", Payload=b"{}")[
        "DurableExecutionArn"
    ]
    started = _wait_for(
        lambda: [e for e in _events(client, arn) if e["EventType"] == "CallbackStarted"]
    )[0]
    first.stop()
    second = durable_emulator("tests.durable.apps:callback", "--durable-state", state)
    client = lambda_client(second.port)
    callback_id = started["CallbackStartedDetails"]["CallbackId"]
    client.send_durable_execution_callback_success(CallbackId=callback_id, Result=b"carol")
    ended = _wait_for(lambda: _ended(client, arn))
    assert json.loads(ended["Result"]) == "approved by carol"


def test_a_handler_that_is_not_durable_fails_the_execution(durable_emulator) -> None:
    emulator = durable_emulator("tests.durable.apps:plain", "--durable-time-skipping")
    client = lambda_client(emulator.port)
    answer = client.invoke(FunctionName="function", Payload=b"{}")
    assert answer["FunctionError"] == "Unhandled"
    assert json.loads(answer["Payload"].read())["errorType"] == "Runtime.InvalidResponse"


def test_bad_requests_are_refused_and_change_nothing(durable_emulator) -> None:
    emulator = durable_emulator("tests.durable.apps:callback")
    client = lambda_client(emulator.port)
    arn = client.invoke(FunctionName="function", InvocationType="Event", Payload=b"{}")[
        "DurableExecutionArn"
    ]
    _wait_for(lambda: any(e["EventType"] == "InvocationCompleted" for e in _events(client, arn)))
    before = _events(client, arn)
    refusals = {
        "unknown execution": lambda: client.get_durable_execution(DurableExecutionArn=arn + "x"),
        "stale token": lambda: client.checkpoint_durable_execution(
            DurableExecutionArn=arn, CheckpointToken="1.1", Updates=[]
        ),
        "bad name": lambda: client.invoke(
            FunctionName="function", Payload=b"{}", DurableExecutionName="no spaces"
        ),
        "unknown callback": lambda: client.send_durable_execution_callback_failure(
            CallbackId="nope", Error={}
        ),
        "too large": lambda: client.invoke(FunctionName="function", Payload=b"1" * 7_000_000),
    }
    codes = {}
    for what, call in refusals.items():
        with pytest.raises(ClientError) as refused:
            call()
        codes[what] = refused.value.response["Error"]["Code"]
    assert codes == {
        "unknown execution": "ResourceNotFoundException",
        "stale token": "InvalidParameterValueException",
        "bad name": "InvalidParameterValueException",
        "unknown callback": "ResourceNotFoundException",
        "too large": "RequestTooLargeException",
    }
    connection = emulator.connection()  # a body that is no JSON
    connection.request("POST", f"/2025-12-01/durable-executions/{arn}/checkpoint", body=b"{x")
    assert connection.getresponse().status == 400
    connection = emulator.connection()  # a durable function does not stream its answer
    connection.request("POST", "/2021-11-15/functions/function/response-streaming-invocations")
    assert connection.getresponse().status == 400
    assert _events(client, arn) == before


def test_the_example_logs_its_steps_with_the_invocation_and_operation_ids(durable_emulator) -> None:
    emulator = durable_emulator("examples.durable.app:app", "--durable-time-skipping")
    client = lambda_client(emulator.port)
    order = {"order_id": "7", "items": ["book"]}
    arn = client.invoke(FunctionName="function", InvocationType="Event", Payload=json.dumps(order))[
        "DurableExecutionArn"
    ]
    started = _wait_for(
        lambda: [e for e in _events(client, arn) if e["EventType"] == "CallbackStarted"]
    )[0]
    client.send_durable_execution_callback_success(
        CallbackId=started["CallbackStartedDetails"]["CallbackId"], Result=b'"alice"'
    )
    ended = _wait_for(lambda: _ended(client, arn))
    assert json.loads(ended["Result"])["approved_by"] == "alice"
    lines = [json.loads(line) for line in emulator.output().splitlines() if line.startswith("{")]
    reserving = next(line for line in lines if line["message"] == "reserving")
    first_invocation = re.search(r"START RequestId: (\S+)", emulator.output())[1]
    assert reserving["request_id"] == first_invocation
    assert reserving["executionArn"] == arn
    assert reserving["operationName"] == "reserve"
    assert reserving["operationId"] == _events(client, arn)[1]["Id"]
    assert reserving["items"] == 1


def test_chained_invokes_reach_this_function_and_other_emulators(durable_emulator) -> None:
    other = durable_emulator("tests.durable.apps:plain", "--function-name", "other", durable=False)
    url = f"http://127.0.0.1:{other.port}"
    emulator = durable_emulator("tests.durable.apps:chain", "--durable-target", f"other={url}")
    client = lambda_client(emulator.port)
    itself = client.invoke(FunctionName="function", Payload=b"{}")
    assert json.loads(itself["Payload"].read()) == {"child": {"depth": 1}}
    started = next(
        e
        for e in _events(client, itself["DurableExecutionArn"])
        if e["EventType"] == "ChainedInvokeStarted"
    )["ChainedInvokeStartedDetails"]
    child = client.get_durable_execution(DurableExecutionArn=started["DurableExecutionArn"])
    assert (child["Status"], json.loads(child["Result"])) == ("SUCCEEDED", {"depth": 1})
    remote = client.invoke(FunctionName="function", Payload=b'{"target": "other"}')
    assert json.loads(remote["Payload"].read()) == {"child": {"not": "durable"}}
    missing = client.invoke(FunctionName="function", Payload=b'{"target": "nowhere"}')
    assert missing["FunctionError"] == "Unhandled"
    failed = [
        e
        for e in _events(client, missing["DurableExecutionArn"])
        if e["EventType"] == "ChainedInvokeFailed"
    ]
    assert failed[0]["ChainedInvokeFailedDetails"]["Error"]["Payload"]["ErrorType"] == (
        "ResourceNotFoundException"
    )


def test_a_callback_succeeds_without_a_result(durable_emulator) -> None:
    emulator = durable_emulator("tests.durable.apps:callback")
    client = lambda_client(emulator.port)
    arn = client.invoke(FunctionName="function", InvocationType="Event", Payload=b"{}")[
        "DurableExecutionArn"
    ]
    started = _wait_for(
        lambda: [e for e in _events(client, arn) if e["EventType"] == "CallbackStarted"]
    )[0]
    client.send_durable_execution_callback_success(
        CallbackId=started["CallbackStartedDetails"]["CallbackId"]
    )
    assert json.loads(_wait_for(lambda: _ended(client, arn))["Result"]) == "approved by None"


def test_an_ended_execution_is_forgotten_after_its_retention(durable_emulator) -> None:
    emulator = durable_emulator(
        "tests.durable.apps:steps", "--durable-time-skipping", "--durable-retention-days", "2e-5"
    )
    client = lambda_client(emulator.port)
    arn = client.invoke(FunctionName="function", Payload=b'{"name": "x"}')["DurableExecutionArn"]
    assert client.get_durable_execution(DurableExecutionArn=arn)["Status"] == "SUCCEEDED"

    def forgotten() -> bool:
        try:
            client.get_durable_execution(DurableExecutionArn=arn)
        except ClientError as error:
            return error.response["Error"]["Code"] == "ResourceNotFoundException"
        return False

    _wait_for(forgotten, timeout=15)  # 2e-5 days: 1.7 s
