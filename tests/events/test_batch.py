"""partial_failures on mixed batches of real sample records: what fails is reported, and logged."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from lambdaflow.batch import partial_failures
from lambdaflow.events import DynamoDBStreamEvent, KinesisStreamEvent, SQSEvent
from lambdaflow.framework.codec import converter
from lambdaflow.observability.log_sink import logger

from .samples import sample


@pytest.fixture
def log_records() -> Iterator[list[dict[str, Any]]]:
    """What lambdaflow's logger receives, as loguru records (message and bound fields)."""
    records: list[dict[str, Any]] = []
    sink = logger.add(lambda message: records.append(message.record), level="DEBUG")
    yield records
    logger.remove(sink)


def sqs_batch(name: str, size: int) -> SQSEvent:
    """`size` records cloned from the sample's first, each with its own id and body."""
    raw = sample(name)
    template = raw["Records"][0]
    raw["Records"] = []
    for index in range(size):
        record = copy.deepcopy(template)
        record["messageId"] = f"msg-{index}"
        record["body"] = f"body-{index}"
        raw["Records"].append(record)
    return converter.structure(raw, SQSEvent)


def failing_on(*bodies: str):
    processed: list[str] = []

    def process(record: Any) -> None:
        body = record.body if hasattr(record, "body") else record.kinesis.data_as_text()
        processed.append(body)
        if body in bodies:
            raise ValueError(f"cannot process {body}")

    return process, processed


def identifiers(response: dict) -> list[str]:
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


def test_sqs_reports_each_failed_message_and_processes_all(log_records) -> None:
    process, processed = failing_on("body-1", "body-3")
    response = partial_failures(sqs_batch("sqs", 5).records, process)
    assert response == {
        "batchItemFailures": [{"itemIdentifier": "msg-1"}, {"itemIdentifier": "msg-3"}]
    }
    assert processed == [f"body-{index}" for index in range(5)]
    failures = [r for r in log_records if r["message"] == "batch.record_failed"]
    assert [r["extra"]["item_identifier"] for r in failures] == ["msg-1", "msg-3"]
    assert failures[0]["extra"]["error_type"] == "ValueError"
    assert failures[0]["level"].name == "ERROR"
    assert failures[0]["extra"]["stack_trace"]


def test_all_succeeding_reports_nothing(log_records) -> None:
    process, processed = failing_on()
    assert partial_failures(sqs_batch("sqs", 3).records, process) == {"batchItemFailures": []}
    assert len(processed) == 3
    assert log_records == []


def test_empty_batch() -> None:
    assert partial_failures([], lambda record: None) == {"batchItemFailures": []}


def test_sqs_fifo_stops_at_the_first_failure_and_reports_every_later_record(log_records) -> None:
    process, processed = failing_on("body-2", "body-4")
    response = partial_failures(sqs_batch("sqs_fifo", 6).records, process)
    assert identifiers(response) == ["msg-2", "msg-3", "msg-4", "msg-5"]
    assert processed == ["body-0", "body-1", "body-2"]
    stopped = [r for r in log_records if r["message"] == "batch.fifo_stopped"]
    assert [(r["extra"]["item_identifier"], r["extra"]["skipped"]) for r in stopped] == [
        ("msg-2", 3)
    ]


def test_sqs_fifo_failing_last_reports_only_it(log_records) -> None:
    process, _ = failing_on("body-2")
    assert identifiers(partial_failures(sqs_batch("sqs_fifo", 3).records, process)) == ["msg-2"]
    assert [r["message"] for r in log_records] == ["batch.record_failed"]


def test_kinesis_reports_sequence_numbers() -> None:
    event = converter.structure(sample("kinesis"), KinesisStreamEvent)
    process, processed = failing_on('{"page": "/checkout", "ms": 212}')
    response = partial_failures(event.records, process)
    assert identifiers(response) == [event.records[0].kinesis.sequence_number]
    assert len(processed) == 2


def test_dynamodb_reports_sequence_numbers() -> None:
    event = converter.structure(sample("dynamodb"), DynamoDBStreamEvent)

    def process(record) -> None:
        if record.event_name != "MODIFY":
            raise KeyError(record.event_name)

    response = partial_failures(event.records, process)
    assert identifiers(response) == [
        "4421584500000000017450439091",
        "4421584700000000017450439093",
    ]


def test_failure_logs_never_hold_the_payload(log_records) -> None:
    secret = "card=4111111111111111"
    event = sqs_batch("sqs", 2)
    event.records[0].body = secret

    def process(record) -> None:
        raise RuntimeError("declined")

    partial_failures(event.records, process)
    assert len(log_records) == 2
    assert all(secret not in repr(record["extra"]) for record in log_records)
    assert all(secret not in record["message"] for record in log_records)


def test_an_async_function_is_refused_rather_than_never_awaited() -> None:
    async def process(record) -> None:
        raise AssertionError("never runs")

    with pytest.raises(TypeError, match="is async"):
        partial_failures(sqs_batch("sqs", 1).records, process)
