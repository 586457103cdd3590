"""CloudWatch Logs subscription filters: log events, compressed and base64-encoded.

CloudWatch sends gzip; zlib-wrapped data (as some forwarders and test tools send it) is
accepted too, as Powertools accepts it: the header says which.
"""

from __future__ import annotations

import zlib

from ..errors import UnmarshalError
from ..framework.codec import decoder_for
from ._encoded import base64_bytes
from ._fields import event_class, field

#: The most `awslogs.data` may decompress to. CloudWatch Logs delivers at most ~1 MB of log
#: events per batch, whose JSON (escapes, ids, timestamps) stays far below this; a gzip of
#: zeros that grows 1,000 times (522 KB -> 522 MB) is refused at this mark instead.
MAX_LOGS_DATA_BYTES = 16 * 1024 * 1024
#: zlib's window bits for "either header, detected": gzip's or zlib's (Powertools accepts both).
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
        """The gzip of `aws_logs.data`, decompressed; UnmarshalError if it is no base64 of a
        whole gzip stream, or if it grows past MAX_LOGS_DATA_BYTES."""
        return _gunzip(base64_bytes(self.aws_logs.data, "awslogs.data"))

    def parse_logs_data(self) -> CloudWatchLogsDecodedData:
        """The log events; UnmarshalError, naming the bad fields, if they are not CloudWatch's."""
        return decoder_for(CloudWatchLogsDecodedData)(self.decompress_logs_data())


def _gunzip(data: bytes) -> bytes:
    """Every gzip member of `data` (gzip.decompress's reading), up to MAX_LOGS_DATA_BYTES."""
    parts, size = [], 0
    while True:
        stream = zlib.decompressobj(_GZIP_OR_ZLIB)
        try:
            part = stream.decompress(data, MAX_LOGS_DATA_BYTES - size + 1)
        except zlib.error as exc:
            raise UnmarshalError(f"awslogs.data is not gzip or zlib data: {exc}") from None
        size += len(part)
        if size > MAX_LOGS_DATA_BYTES:
            raise UnmarshalError(
                f"awslogs.data decompresses to more than {MAX_LOGS_DATA_BYTES} bytes"
            )
        if not stream.eof:
            raise UnmarshalError("awslogs.data is a truncated gzip stream")
        parts.append(part)
        data = stream.unused_data
        if not data:
            return b"".join(parts)
