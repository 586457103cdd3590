"""A function as a user writes one: typed SQS records, failures reported per message."""

from __future__ import annotations

from lambdaflow import App
from lambdaflow.batch import partial_failures
from lambdaflow.events import SQSEvent, SQSRecord

app = App()


def process(record: SQSRecord) -> None:
    if '"op": "credit"' in record.body:
        raise ValueError("credits are closed today")


@app.handler
def handle(event: SQSEvent) -> dict:
    return partial_failures(event.records, process)
