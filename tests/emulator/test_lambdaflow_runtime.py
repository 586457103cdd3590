"""The emulator serving lambdaflow's own runtime and the echo example."""

from __future__ import annotations

import json
import re
import sys

import pytest

from .test_botocore import create_client

ECHO = [sys.executable, "-m", "lambdaflow", "examples.echo.app:app"]


@pytest.fixture
def echo(start_emulator):
    return start_emulator(runtime=ECHO)


def test_echo_example_answers_through_the_emulator(echo) -> None:
    status, headers, body = echo.invoke(b'{"input": "hi"}')
    assert (status, json.loads(body)) == (200, {"message": "hi"})
    assert "X-Amz-Function-Error" not in headers


def test_validation_error_is_a_function_error(echo) -> None:
    status, headers, body = echo.invoke(b'{"input": ""}')
    assert status == 200
    assert headers["X-Amz-Function-Error"] == "Unhandled"
    assert json.loads(body)["errorType"] == "ValueError"


def test_metrics_lines_share_the_request_ids_of_the_report_lines(echo) -> None:
    for text in ("a", "b", "c"):
        assert echo.invoke(json.dumps({"input": text}))[0] == 200
    # The runtime prints its metrics after posting the answer: wait for the third one.
    echo.wait_for_output(r"(?s)(invocation\.metrics.*){3}")
    echo.stop()
    output = echo.output()
    reported = re.findall(r"^REPORT RequestId: (\S+)\t", output, re.MULTILINE)
    metrics = [
        json.loads(line)
        for line in output.splitlines()
        if line.startswith("{") and '"invocation.metrics"' in line
    ]
    assert len(reported) == 3
    assert [record["request_id"] for record in metrics] == reported
    assert {record["outcome"] for record in metrics} == {"success"}


def test_a_buffered_lambdaflow_answer_through_invoke_with_response_stream(echo) -> None:
    client = create_client(echo.port)
    try:
        result = client.invoke_with_response_stream(
            FunctionName="function", Payload=b'{"input": "hi"}'
        )
        events = list(result["EventStream"])
    finally:
        client.close()
    assert len(events) == 2  # a buffered answer is one PayloadChunk
    assert json.loads(events[0]["PayloadChunk"]["Payload"]) == {"message": "hi"}
    assert events[1] == {"InvokeComplete": {}}


def test_a_lambdaflow_function_error_is_the_invoke_complete_error_code(echo) -> None:
    client = create_client(echo.port)
    try:
        result = client.invoke_with_response_stream(
            FunctionName="function", Payload=b'{"input": ""}'
        )
        events = list(result["EventStream"])
    finally:
        client.close()
    assert events[-1]["InvokeComplete"]["ErrorCode"] == "ValueError"
    assert "PayloadChunk" not in events[0]
