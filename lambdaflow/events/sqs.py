"""Amazon SQS: the batch of messages a queue's event source mapping hands to a function."""

from __future__ import annotations

from ._fields import event_class, field


@event_class
class SQSMessageAttribute:
    """A message attribute: `data_type` says which of the value fields is set."""

    data_type: str = field("dataType")
    string_value: str | None = field("stringValue", default=None)
    binary_value: str | None = field("binaryValue", default=None)
    string_list_values: list[str] | None = field("stringListValues", default=None)
    binary_list_values: list[str] | None = field("binaryListValues", default=None)


@event_class
class SQSRecordAttributes:
    """The system attributes SQS adds to a message; FIFO queues add the ordering ones."""

    approximate_receive_count: str = field("ApproximateReceiveCount")
    sent_timestamp: str = field("SentTimestamp")
    sender_id: str = field("SenderId")
    approximate_first_receive_timestamp: str = field("ApproximateFirstReceiveTimestamp")
    aws_trace_header: str | None = field("AWSTraceHeader", default=None)
    sequence_number: str | None = field("SequenceNumber", default=None)
    message_group_id: str | None = field("MessageGroupId", default=None)
    message_deduplication_id: str | None = field("MessageDeduplicationId", default=None)
    dead_letter_queue_source_arn: str | None = field("DeadLetterQueueSourceArn", default=None)


@event_class
class SQSRecord:
    """One message of a batch."""

    message_id: str = field("messageId")
    receipt_handle: str = field("receiptHandle")
    body: str
    attributes: SQSRecordAttributes
    message_attributes: dict[str, SQSMessageAttribute] = field("messageAttributes")
    md5_of_body: str = field("md5OfBody")
    md5_of_message_attributes: str | None = field("md5OfMessageAttributes", default=None)
    event_source: str = field("eventSource")
    event_source_arn: str = field("eventSourceARN")
    aws_region: str = field("awsRegion")

    @property
    def is_fifo(self) -> bool:
        """A FIFO queue's records must be processed, and failed, in order."""
        return self.event_source_arn.endswith(".fifo")

    @property
    def item_identifier(self) -> str:
        """What names this record in a batch item failure: its message id."""
        return self.message_id


@event_class
class SQSEvent:
    records: list[SQSRecord] = field("Records")
