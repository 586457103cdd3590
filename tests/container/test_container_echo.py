"""The echo example in its container image, invoked from the host through the emulator inside."""

from __future__ import annotations

from function_container import FUNCTION_NAME, FunctionContainer

from lambdaflow.observability.metrics_record import FIELD_OF_PHASE, OUTCOME_FIELD, TOTAL_FIELD


def test_echo_answers_and_logs_metrics_and_report(function_container: FunctionContainer) -> None:
    status, body, metrics, report = function_container.invoke_and_read_logs({"input": "hi"})

    assert (status, body) == (200, {"message": "hi"})
    assert metrics[OUTCOME_FIELD] == "success"
    assert metrics["function_name"] == FUNCTION_NAME
    assert metrics[TOTAL_FIELD] >= metrics[FIELD_OF_PHASE["handler"]] >= 0
    assert report.request_id == metrics["request_id"]


def test_validation_error_is_a_function_error(function_container: FunctionContainer) -> None:
    status, body, metrics, report = function_container.invoke_and_read_logs({"input": ""})

    assert status == 200
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"]
    assert metrics["outcome"] == "validation_error"
    assert report.request_id == metrics["request_id"]
