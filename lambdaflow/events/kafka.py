"""Amazon MSK and self-managed Apache Kafka event source mappings: a batch of records, grouped
by topic-partition, with base64 keys, values and header values.

`event.records` lists every record (as Powertools iterates them); `records_by_partition` is
AWS's grouping ("topic-partition" -> records). Each record decodes its key, value and headers
on request: nothing is decoded that the handler does not read.
"""

from __future__ import annotations

from typing import Any

from ._encoded import base64_bytes
from ._fields import event_class, field


@event_class
class KafkaEventRecord:
    topic: str
    partition: int
    offset: int
    timestamp: int
    #: "CREATE_TIME" or "LOG_APPEND_TIME".
    timestamp_type: str = field("timestampType")
    #: base64; absent for a record without a key.
    key: str | None = field(default=None)
    #: base64; None for a tombstone.
    value: str | None = field(default=None)
    #: Each header is `{name: [byte, ...]}`, in the order the producer sent them; the bytes are
    #: Java's, signed (-128..127).
    headers: list[dict[str, list[int]]] | None = field(default=None)
    #: Set when the mapping validates against a schema registry.
    key_schema_metadata: dict[str, Any] | None = field("keySchemaMetadata", default=None)
    value_schema_metadata: dict[str, Any] | None = field("valueSchemaMetadata", default=None)

    @property
    def decoded_key(self) -> bytes | None:
        return base64_bytes(self.key, "key") if self.key is not None else None

    @property
    def decoded_value(self) -> bytes | None:
        return base64_bytes(self.value, "value") if self.value is not None else None

    @property
    def decoded_headers(self) -> dict[str, bytes]:
        """Header name -> value bytes (a repeated name keeps its last value)."""
        return {
            name: bytes(byte & 0xFF for byte in value)
            for header in self.headers or ()
            for name, value in header.items()
        }


@event_class
class KafkaEvent:
    #: "aws:kafka" (MSK) or "SelfManagedKafka".
    event_source: str = field("eventSource")
    #: The MSK cluster; absent for self-managed Kafka.
    event_source_arn: str | None = field("eventSourceArn", default=None)
    #: Comma-separated host:port list.
    bootstrap_servers: str | None = field("bootstrapServers", default=None)
    records_by_partition: dict[str, list[KafkaEventRecord]] = field("records")

    @property
    def records(self) -> list[KafkaEventRecord]:
        return [record for batch in self.records_by_partition.values() for record in batch]
