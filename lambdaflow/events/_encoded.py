"""Data an event carries encoded (base64, JSON inside a string): decoded on request, and a bad
encoding is an UnmarshalError naming the field, like any other event that does not decode."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import ujson

from ..errors import UnmarshalError


def base64_bytes(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise UnmarshalError(f"{what} is not base64") from None


def json_value(data: bytes, what: str) -> Any:
    try:
        return ujson.loads(data)
    except ValueError as exc:
        raise UnmarshalError(f"{what} is not JSON: {exc}") from None
