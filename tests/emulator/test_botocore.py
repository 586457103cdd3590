"""botocore's Lambda client pointed at the emulator, as users test with the AWS SDK."""

from __future__ import annotations

import base64
import json

import botocore.session
import pytest
from botocore.config import Config


def create_client(port: int):
    return botocore.session.get_session().create_client(
        "lambda",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, read_timeout=60),
    )


@pytest.fixture
def lambda_client(start_emulator):
    client = create_client(start_emulator("--function-name", "named").port)
    try:
        yield client
    finally:
        client.close()


def test_success(lambda_client) -> None:
    result = lambda_client.invoke(FunctionName="function", Payload=b'{"x": 1}')
    assert result["StatusCode"] == 200
    assert "FunctionError" not in result
    assert json.loads(result["Payload"].read())["echo"] == {"x": 1}


def test_function_error(lambda_client) -> None:
    result = lambda_client.invoke(FunctionName="function", Payload=b'{"mode": "error"}')
    assert result["FunctionError"] == "Unhandled"
    error = json.loads(result["Payload"].read())
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "handler failed")


def test_client_context_reaches_the_runtime(lambda_client) -> None:
    context = {"custom": {"caller": "botocore"}}
    result = lambda_client.invoke(
        FunctionName="function",
        Payload=b'{"mode": "env"}',
        ClientContext=base64.b64encode(json.dumps(context).encode()).decode(),
    )
    headers = json.loads(result["Payload"].read())["headers"]
    assert json.loads(headers["Lambda-Runtime-Client-Context"]) == context


def test_log_tail(lambda_client) -> None:
    result = lambda_client.invoke(
        FunctionName="function", Payload=b'{"mode": "print"}', LogType="Tail"
    )
    log = base64.b64decode(result["LogResult"]).decode()
    assert "to stdout" in log and "to stderr" in log
    assert "REPORT RequestId: " in log


def test_event_and_dry_run_invocation_types(lambda_client) -> None:
    event = lambda_client.invoke(FunctionName="function", InvocationType="Event", Payload=b"{}")
    assert event["StatusCode"] == 202
    dry = lambda_client.invoke(FunctionName="function", InvocationType="DryRun", Payload=b"{}")
    assert dry["StatusCode"] == 204


def test_unknown_function_is_resource_not_found(lambda_client) -> None:
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as raised:
        lambda_client.invoke(FunctionName="missing", Payload=b"{}")
    error = raised.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error["Error"]["Message"] == (
        "Function not found: arn:aws:lambda:us-east-1:012345678912:function:missing"
    )


@pytest.mark.parametrize("name", ["named", "arn:aws:lambda:us-east-1:012345678912:function:named"])
def test_the_function_is_invoked_by_its_name_or_arn(lambda_client, name) -> None:
    result = lambda_client.invoke(FunctionName=name, Payload=b'{"x": 2}')
    assert result["StatusCode"] == 200
    assert result["ExecutedVersion"] == "$LATEST"
    assert json.loads(result["Payload"].read())["echo"] == {"x": 2}


def test_a_timeout_is_an_unhandled_function_error(start_emulator) -> None:
    client = create_client(start_emulator("--timeout", "1").port)
    result = client.invoke(FunctionName="function", Payload=b'{"mode": "sleep", "seconds": 5}')
    assert result["FunctionError"] == "Unhandled"
    assert result["Payload"].read() == b"Task timed out after 1.00 seconds"
