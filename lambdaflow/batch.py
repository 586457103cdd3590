"""Batch partial failures: report the records that failed, so Lambda retries only those.

    @app.handler
    def handle(event: SQSEvent) -> dict:
        return partial_failures(event.records, process)

For SQS, Kinesis and DynamoDB Streams event source mappings with `ReportBatchItemFailures`.
Each record's failure is logged with the record's identifier, never its payload. A FIFO queue's
batch stops at the first failure: that record and every later one are reported, so none is
processed out of order. Streams go on: Lambda resumes them from the lowest failed sequence number.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from .errors import exception_payload, log_fields
from .observability.runtime_log import logger


class BatchRecord(Protocol):
    """A record of SQS, Kinesis or DynamoDB Streams (lambdaflow.events' typed classes)."""

    @property
    def item_identifier(self) -> str: ...


Record = TypeVar("Record", bound=BatchRecord)
#: Lambda's reply to a batch: `{"batchItemFailures": [{"itemIdentifier": ...}, ...]}`.
BatchResponse = dict[str, list[dict[str, str]]]


class FailureReport:
    """The failures of one batch, in the order Lambda wants them; what each driver loop fills."""

    __slots__ = ("_failed", "_ordered", "_records")

    def __init__(self, records: Sequence[BatchRecord]) -> None:
        self._records = records
        self._ordered = bool(records) and getattr(records[0], "is_fifo", False)
        self._failed: list[str] = []

    def failed(self, index: int, exc: Exception) -> bool:
        """Log the failure of `records[index]`; True when the rest of the batch must not run."""
        record = self._records[index]
        identifier = record.item_identifier
        logger.error(
            "batch.record_failed", item_identifier=identifier, **log_fields(exception_payload(exc))
        )
        if not self._ordered:
            self._failed.append(identifier)
            return False
        rest = self._records[index:]
        if len(rest) > 1:
            logger.warning("batch.fifo_stopped", item_identifier=identifier, skipped=len(rest) - 1)
        self._failed.extend(later.item_identifier for later in rest)
        return True

    def response(self) -> BatchResponse:
        return {"batchItemFailures": [{"itemIdentifier": item} for item in self._failed]}


def partial_failures(records: Sequence[Record], process: Callable[[Record], Any]) -> BatchResponse:
    """Run `process` on each record; return the failed ones as Lambda's batch item failures."""
    if inspect.iscoroutinefunction(process):
        raise TypeError(
            f"partial_failures needs a plain function; {process.__qualname__} is async, and its "
            "coroutines would never run"
        )
    report = FailureReport(records)
    for index, record in enumerate(records):
        try:
            process(record)
        except Exception as exc:
            if report.failed(index, exc):
                break
    return report.response()
