"""CloudWatch Logs subscription filters: log events, compressed and base64-encoded.

CloudWatch sends gzip; zlib-wrapped data (as some forwarders and test tools send it) is
accepted too, as Powertools accepts it: the header says which.
"""

from __future__ import annotations

import base64
import zlib

from ..framework.codec import decoder_for
from ._fields import event_class, field

#: zlib's window bits for "either header, detected": gzip's or zlib's.
_GZIP_OR_ZLIB = zlib.MAX_WBITS | 32


@event_class
class CloudWatchLogsLogEvent:
    id: str
    timestamp: int
    message: str


@event_class
class CloudWatchLogsDecodedData:
    """What `awslogs.data` holds once decompressed; `message_type` CONTROL_MESSAGE is a probe."""

    message_type: str = field("messageType")
    owner: str
    log_group: str = field("logGroup")
    log_stream: str = field("logStream")
    subscription_filters: list[str] = field("subscriptionFilters")
    log_events: list[CloudWatchLogsLogEvent] = field("logEvents")
    #: Set for account-level subscription policies.
    policy_level: str | None = field("policyLevel", default=None)


@event_class
class CloudWatchLogsData:
    data: str


@event_class
class CloudWatchLogsEvent:
    """`aws_logs.data` stays compressed until `decompress_logs_data` or `parse_logs_data`."""

    aws_logs: CloudWatchLogsData = field("awslogs")

    def decompress_logs_data(self) -> bytes:
        return zlib.decompress(base64.b64decode(self.aws_logs.data), _GZIP_OR_ZLIB)

    def parse_logs_data(self) -> CloudWatchLogsDecodedData:
        """The log events; UnmarshalError, naming the bad fields, if they are not CloudWatch's."""
        return decoder_for(CloudWatchLogsDecodedData)(self.decompress_logs_data())
