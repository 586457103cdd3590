"""Amazon Data Firehose (Kinesis Data Firehose) data transformation: the batch of records to
transform, and the response that returns each one, by record id, transformed or not.

Every record of the event must come back in the response with its `record_id` and a result:
"Ok" (with the new data), "Dropped", or "ProcessingFailed".
"""

from __future__ import annotations

import base64

from ._encoded import base64_bytes
from ._fields import event_class, field


@event_class
class KinesisFirehoseRecordMetadata:
    """Where a record came from when the delivery stream reads a Kinesis data stream."""

    shard_id: str = field("shardId")
    partition_key: str = field("partitionKey")
    approximate_arrival_timestamp: int = field("approximateArrivalTimestamp")
    sequence_number: str = field("sequenceNumber")
    subsequence_number: int = field("subsequenceNumber")


@event_class
class KinesisFirehoseEventRecord:
    record_id: str = field("recordId")
    approximate_arrival_timestamp: int = field("approximateArrivalTimestamp")
    #: base64 of the record's bytes.
    data: str
    kinesis_record_metadata: KinesisFirehoseRecordMetadata | None = field(
        "kinesisRecordMetadata", default=None
    )

    @property
    def data_as_bytes(self) -> bytes:
        return base64_bytes(self.data, "data")


@event_class
class KinesisFirehoseEvent:
    invocation_id: str = field("invocationId")
    delivery_stream_arn: str = field("deliveryStreamArn")
    #: Set when the delivery stream's source is a Kinesis data stream.
    source_kinesis_stream_arn: str | None = field("sourceKinesisStreamArn", default=None)
    region: str
    records: list[KinesisFirehoseEventRecord]


@event_class
class KinesisFirehoseResponseRecordMetadata:
    """Dynamic partitioning's keys; `otf_metadata` routes to Apache Iceberg tables."""

    partition_keys: dict[str, str] | None = field("partitionKeys", default=None)
    otf_metadata: dict[str, str] | None = field("otfMetadata", default=None)


@event_class
class KinesisFirehoseResponseRecord:
    record_id: str = field("recordId")
    #: "Ok", "Dropped" or "ProcessingFailed".
    result: str
    #: base64 of the transformed bytes (required with "Ok").
    data: str | None = field(default=None)
    metadata: KinesisFirehoseResponseRecordMetadata | None = field(default=None)

    @classmethod
    def ok(cls, record_id: str, data: bytes) -> KinesisFirehoseResponseRecord:
        return cls(record_id=record_id, result="Ok", data=base64.b64encode(data).decode())


@event_class
class KinesisFirehoseResponse:
    records: list[KinesisFirehoseResponseRecord]
