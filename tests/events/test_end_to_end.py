"""Typed events and partial failures in a real runtime process, invoked through the emulator."""

from __future__ import annotations

import json
import sys

import pytest
from emulator.conftest import start_emulator  # noqa: F401  (the fixture, reused)

from .samples import sample, sample_bytes

FUNCTION = [sys.executable, "-m", "lambdaflow", "tests.events.batch_function:app"]


@pytest.fixture
def function(start_emulator):  # noqa: F811
    return start_emulator(runtime=FUNCTION)


def test_fifo_batch_reports_the_failed_message_and_every_later_one(function) -> None:
    status, _, body = function.invoke(sample_bytes("sqs_fifo"))
    assert status == 200
    ids = [record["messageId"] for record in sample("sqs_fifo")["Records"]]
    assert json.loads(body) == {"batchItemFailures": [{"itemIdentifier": i} for i in ids[1:]]}
    function.reports(1)
    logs = [json.loads(line) for line in function.output().splitlines() if line.startswith("{")]
    failed = [record for record in logs if record.get("message") == "batch.record_failed"]
    assert [record["item_identifier"] for record in failed] == [ids[1]]
    assert failed[0]["error_type"] == "ValueError"
    assert all('"op"' not in json.dumps(record) for record in logs)


def test_standard_queue_batch_with_nothing_failing(function) -> None:
    status, _, body = function.invoke(sample_bytes("sqs"))
    assert (status, json.loads(body)) == (200, {"batchItemFailures": []})


def test_an_event_of_the_wrong_shape_is_an_unmarshal_error(function) -> None:
    status, headers, body = function.invoke(sample_bytes("kinesis"))
    error = json.loads(body)
    assert status == 200
    assert error["errorType"] == "Runtime.UnmarshalError"
    assert "records[0].message_id: missing required field" in error["errorMessage"]
    assert headers.get("X-Amz-Function-Error") == "Unhandled"
