"""botocore's Lambda client pointed at the emulator, as users test with the AWS SDK."""

from __future__ import annotations

import base64
import json

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


@pytest.fixture
def lambda_client(start_emulator):
    emulator = start_emulator()
    session = botocore.session.get_session()
    client = session.create_client(
        "lambda",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{emulator.port}",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, read_timeout=60),
    )
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


def test_unknown_function_is_an_error(lambda_client) -> None:
    with pytest.raises(ClientError) as raised:
        lambda_client.invoke(FunctionName="missing", Payload=b"{}")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
