"""`awslogs.data` from a caller (issue 22): bounded decompression, and every bad form an
UnmarshalError, in-process and, for the memory bound, in a real subprocess."""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
import sys
import zlib

import pytest

from lambdaflow.errors import UnmarshalError
from lambdaflow.events._http import body_bytes
from lambdaflow.events.cloudwatch_logs import (
    MAX_LOGS_DATA_BYTES,
    CloudWatchLogsData,
    CloudWatchLogsEvent,
)
from lambdaflow.events.kinesis import (
    KinesisStreamRecordPayload,
)


def event_of(raw: bytes) -> CloudWatchLogsEvent:
    return CloudWatchLogsEvent(aws_logs=CloudWatchLogsData(data=base64.b64encode(raw).decode()))


def zeros_gzip(size: int) -> bytes:
    """A gzip of `size` zero bytes, built without holding them (a zip bomb, ~1/1000)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + compressor.flush()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("!!not base64!!", "not base64"),
        (base64.b64encode(b"plain text").decode(), "not gzip or zlib data"),
        (base64.b64encode(gzip.compress(b'{"a": 1}')[:-6]).decode(), "truncated gzip"),
        (base64.b64encode(zeros_gzip(MAX_LOGS_DATA_BYTES + 1024 * 1024)).decode(), "more than"),
    ],
)
def test_bad_logs_data_is_an_unmarshal_error(data: str, problem: str) -> None:
    event = CloudWatchLogsEvent(aws_logs=CloudWatchLogsData(data=data))
    with pytest.raises(UnmarshalError, match=problem):
        event.parse_logs_data()


def test_logs_data_up_to_the_limit_decompresses_every_member() -> None:
    assert event_of(gzip.compress(b"ab") + gzip.compress(b"cd")).decompress_logs_data() == b"abcd"
    assert len(event_of(zeros_gzip(MAX_LOGS_DATA_BYTES)).decompress_logs_data()) == (
        MAX_LOGS_DATA_BYTES
    )
    decoded = {
        "messageType": "DATA_MESSAGE",
        "owner": "1",
        "logGroup": "g",
        "logStream": "s",
        "subscriptionFilters": ["f"],
        "logEvents": [{"id": "1", "timestamp": 1, "message": "m"}],
    }
    parsed = event_of(gzip.compress(json.dumps(decoded).encode())).parse_logs_data()
    assert parsed.log_events[0].message == "m"


BOMB = """
import resource, sys, zlib, base64
from lambdaflow.errors import UnmarshalError
from lambdaflow.events._http import body_bytes
from lambdaflow.events.cloudwatch_logs import CloudWatchLogsData, CloudWatchLogsEvent
compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
block = bytes(1024 * 1024)
raw = b"".join(compressor.compress(block) for _ in range(1024)) + compressor.flush()
data = base64.b64encode(raw).decode()
del raw
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    CloudWatchLogsEvent(aws_logs=CloudWatchLogsData(data=data)).parse_logs_data()
except UnmarshalError:
    pass
print(len(data), before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_a_gzip_bomb_costs_no_more_than_the_limit() -> None:
    """~1 MB of base64 that decompresses to 1 GiB: refused, the peak grows by the limit only."""
    done = subprocess.run(
        [sys.executable, "-c", BOMB], capture_output=True, text=True, timeout=120, check=True
    )
    size, before_kib, after_kib = map(int, done.stdout.split())
    assert size < 2 * 1024 * 1024
    assert (after_kib - before_kib) * 1024 < 3 * MAX_LOGS_DATA_BYTES


def test_encoded_fields_of_other_sources_fail_as_unmarshal_errors() -> None:
    record = KinesisStreamRecordPayload(
        kinesis_schema_version="1.0",
        partition_key="k",
        sequence_number="1",
        data="!!",
        approximate_arrival_timestamp=0.0,
    )
    with pytest.raises(UnmarshalError, match="data is not base64"):
        record.data_as_bytes()
    record.data = base64.b64encode(b"{not json").decode()
    with pytest.raises(UnmarshalError, match="data is not JSON"):
        record.data_as_json()
    with pytest.raises(UnmarshalError, match="body is not base64"):
        body_bytes("%%%", True)
    assert body_bytes(base64.b64encode(b"\0ok").decode(), True) == b"\0ok"
