"""Amazon DynamoDB Streams: item-level changes of a table, in order per item.

Keys and images stay in DynamoDB's attribute-value form (`{"S": "abc"}`, `{"N": "42"}`), as the
stream sends them: that is what boto3's TypeDeserializer and the DynamoDB API both take.
"""

from __future__ import annotations

from typing import Any

from ._fields import event_class, field

#: An item in DynamoDB's JSON: attribute name -> `{type descriptor: value}`.
AttributeMap = dict[str, dict[str, Any]]


@event_class
class StreamRecord:
    """The change itself; which images it carries depends on the stream's view type."""

    approximate_creation_date_time: float | None = field(
        "ApproximateCreationDateTime", default=None
    )
    keys: AttributeMap = field("Keys")
    new_image: AttributeMap | None = field("NewImage", default=None)
    old_image: AttributeMap | None = field("OldImage", default=None)
    sequence_number: str = field("SequenceNumber")
    size_bytes: int = field("SizeBytes")
    stream_view_type: str = field("StreamViewType")


@event_class
class DynamoDBUserIdentity:
    """Present on deletions by DynamoDB's TTL (`principal_id` dynamodb.amazonaws.com)."""

    type: str
    principal_id: str = field("principalId")


@event_class
class DynamoDBStreamRecord:
    """One change of a batch."""

    event_id: str = field("eventID")
    event_name: str = field("eventName")
    event_version: str = field("eventVersion")
    event_source: str = field("eventSource")
    aws_region: str = field("awsRegion")
    dynamodb: StreamRecord
    event_source_arn: str = field("eventSourceARN")
    user_identity: DynamoDBUserIdentity | None = field("userIdentity", default=None)

    @property
    def item_identifier(self) -> str:
        """What names this record in a batch item failure: its sequence number."""
        return self.dynamodb.sequence_number


@event_class
class DynamoDBStreamEvent:
    records: list[DynamoDBStreamRecord] = field("Records")
