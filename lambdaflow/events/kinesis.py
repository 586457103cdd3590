"""Amazon Kinesis Data Streams: a batch of records from one shard, in sequence order."""

from __future__ import annotations

from typing import Any

from ._encoded import base64_bytes, json_value
from ._fields import event_class, field


@event_class
class KinesisStreamRecordPayload:
    """`data` is base64 on the wire; it is decoded only when asked for."""

    kinesis_schema_version: str = field("kinesisSchemaVersion")
    partition_key: str = field("partitionKey")
    sequence_number: str = field("sequenceNumber")
    data: str
    approximate_arrival_timestamp: float = field("approximateArrivalTimestamp")

    def data_as_bytes(self) -> bytes:
        return base64_bytes(self.data, "data")

    def data_as_text(self) -> str:
        return self.data_as_bytes().decode()

    def data_as_json(self) -> Any:
        return json_value(self.data_as_bytes(), "data")


@event_class
class KinesisStreamRecord:
    """One record of a shard's batch."""

    kinesis: KinesisStreamRecordPayload
    event_source: str = field("eventSource")
    event_version: str = field("eventVersion")
    event_id: str = field("eventID")
    event_name: str = field("eventName")
    invoke_identity_arn: str = field("invokeIdentityArn")
    aws_region: str = field("awsRegion")
    event_source_arn: str = field("eventSourceARN")

    @property
    def item_identifier(self) -> str:
        """What names this record in a batch item failure: its sequence number."""
        return self.kinesis.sequence_number


@event_class
class KinesisStreamEvent:
    records: list[KinesisStreamRecord] = field("Records")
