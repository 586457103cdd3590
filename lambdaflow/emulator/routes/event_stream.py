"""AWS event-stream framing (``application/vnd.amazon.eventstream``), the encoding side.

What Lambda's ``InvokeWithResponseStream`` answers with and botocore's ``eventstream`` parser
reads: each message is a prelude (total length, headers length, CRC32 of those 8 bytes), the
headers (name, type 7 = string, value), the payload, and a CRC32 of everything before it.
"""

from __future__ import annotations

import struct
import zlib

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING = 7
_PRELUDE = struct.Struct(">II")
_CRC = struct.Struct(">I")
_PRELUDE_AND_CRCS = _PRELUDE.size + 2 * _CRC.size


def _encode_headers(headers: tuple[tuple[str, str], ...]) -> bytes:
    parts = []
    for name, value in headers:
        raw_name, raw_value = name.encode(), value.encode()
        parts.append(bytes((len(raw_name),)) + raw_name)
        parts.append(struct.pack(">BH", _STRING, len(raw_value)) + raw_value)
    return b"".join(parts)


def _frame(encoded_headers: bytes, payload: bytes) -> bytes:
    prelude = _PRELUDE.pack(
        _PRELUDE_AND_CRCS + len(encoded_headers) + len(payload), len(encoded_headers)
    )
    head = prelude + _CRC.pack(zlib.crc32(prelude)) + encoded_headers
    return head + payload + _CRC.pack(zlib.crc32(payload, zlib.crc32(head)))


def _event_headers(event_type: str, content_type: str) -> bytes:
    return _encode_headers(
        ((":event-type", event_type), (":content-type", content_type), (":message-type", "event"))
    )


#: Encoded once: a PayloadChunk is framed per chunk the runtime sends.
_PAYLOAD_CHUNK = _event_headers("PayloadChunk", "application/octet-stream")
_INVOKE_COMPLETE = _event_headers("InvokeComplete", "application/json")


def payload_chunk(payload: bytes) -> bytes:
    """A ``PayloadChunk`` event carrying ``payload``."""
    return _frame(_PAYLOAD_CHUNK, payload)


def invoke_complete(payload: bytes) -> bytes:
    """The ``InvokeComplete`` event; ``payload``: JSON of ErrorCode, ErrorDetails, LogResult."""
    return _frame(_INVOKE_COMPLETE, payload)
