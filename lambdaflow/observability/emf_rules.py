"""What CloudWatch accepts in an Embedded Metric Format (EMF) record, checked where a name is given.

A record that breaks a rule is dropped by CloudWatch without a word to the function (the failure
only shows in the account's AWS/Logs metrics), so each rule is checked at the call that
introduces the name or value, and the error names the rule. Sources, as published by AWS:

- "Specification: Embedded metric format" (CloudWatch User Guide): at most 100 MetricDefinitions
  per MetricDirective; at most 30 keys per DimensionSet; a dimension target is a string of at
  most 1024 characters; a metric target is a number or an array of at most 100 numbers; Unit a
  CloudWatch unit; StorageResolution 1 or 60; the schema's DimensionReference is 1-250 chars.
- CloudWatch API reference, `Dimension`, `Metric`, `MetricDatum`, `PutMetricData`: names are
  ASCII without control characters and with a non-whitespace character; metric names 1-255
  chars; dimension names do not start with ':'; values lie within +-2**360 and are not NaN or
  infinite; namespaces are 1-255 chars of [0-9A-Za-z._/#: -], do not start with ':', and
  "AWS/" is reserved for AWS.
"""

from __future__ import annotations

import math

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: MetricDefinitions in one MetricDirective (and so user metrics in one record).
MAX_METRICS = 100
#: Keys in one DimensionSet.
MAX_DIMENSIONS = 30
#: Values one metric may carry in one record (a numeric array target).
MAX_VALUES = 100
MAX_METRIC_NAME = 255
MAX_DIMENSION_NAME = 250
MAX_DIMENSION_VALUE = 1024
MAX_NAMESPACE = 255
#: CloudWatch rejects values outside this range.
MAX_MAGNITUDE = 2.0**360
#: Levels of arrays and objects in one metadata value: far more than anyone queries, far less
#: than the record's JSON encoder takes (~1,000).
MAX_METADATA_DEPTH = 100
RESOLUTIONS = (1, 60)
UNITS = frozenset(
    {
        "Seconds", "Microseconds", "Milliseconds",
        "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
        "Percent", "Count", "None",
        "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
        "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second",
    }
)  # fmt: skip

_NAMESPACE_CHARS = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._/#: -"
)  # spelled out: importing `string` for it would cost a function using metrics 0.5 ms
_JSON_SCALARS = (str, int, bool, type(None))
_NUMBERS = (int, float)


class MetricsError(ValueError):
    """A metric, dimension, metadata key or namespace that CloudWatch would refuse."""


def _check_text(kind: str, text: object, limit: int, echo: bool = True) -> str:
    """`echo`: quote the text in the error; not for values, which may be the caller's data."""
    if not isinstance(text, str):
        raise MetricsError(f"{kind} must be a str, not {type(text).__name__}")
    shown = f"{kind} {text[:40]!r}" if echo else kind
    if not 1 <= len(text) <= limit:
        raise MetricsError(f"{shown} must be 1 to {limit} characters long, not {len(text)}")
    if not (text.isascii() and text.isprintable()) or text.isspace():
        raise MetricsError(f"{shown} must be printable ASCII with a non-whitespace character")
    return text


def check_metric_name(name: object) -> str:
    return _check_text("metric name", name, MAX_METRIC_NAME)


def check_dimension(key: object, value: object) -> None:
    name = _check_text("dimension name", key, MAX_DIMENSION_NAME)
    if name.startswith(":"):
        raise MetricsError(f"dimension name {name!r} must not start with ':'")
    check_dimension_value(name, value)


def check_dimension_value(key: str, value: object) -> None:
    _check_text(f"value of dimension {key!r}", value, MAX_DIMENSION_VALUE, echo=False)


def check_namespace(namespace: str) -> str:
    if not 1 <= len(namespace) <= MAX_NAMESPACE:
        raise MetricsError(f"namespace must be 1 to {MAX_NAMESPACE} characters long")
    if not _NAMESPACE_CHARS.issuperset(namespace) or namespace.isspace():
        raise MetricsError(
            f"namespace {namespace[:40]!r} may hold only 0-9A-Za-z . - _ / # : and spaces, "
            "with a non-space character"
        )
    if namespace.startswith(":") or namespace.startswith("AWS/"):
        raise MetricsError(f"namespace {namespace[:40]!r}: ':' and 'AWS/' starts are reserved")
    return namespace


def check_unit(unit: object) -> None:
    if unit not in UNITS:
        raise MetricsError(f"unit {unit!r} is not a CloudWatch unit (one of {sorted(UNITS)})")


def check_resolution(resolution: object) -> None:
    if resolution not in RESOLUTIONS or isinstance(resolution, bool):
        raise MetricsError(f"resolution {resolution!r} must be 1 (high) or 60 (standard)")


def check_value(name: str, value: object) -> None:
    """A number CloudWatch stores: not a bool (JSON's true is no number), finite, in range."""
    kind = value.__class__
    if kind is not float and kind is not int and (kind is bool or not isinstance(value, _NUMBERS)):
        raise MetricsError(f"metric {name!r}: value must be an int or float, not {value!r}")
    if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:  # type: ignore[operator]  # NaN: False
        raise MetricsError(f"metric {name!r}: value {value!r} is NaN or beyond +-2**360")


def check_metadata(key: object, value: Any) -> None:
    """Metadata is any JSON value; a non-finite float would make the whole line invalid JSON."""
    if not isinstance(key, str) or not key:
        raise MetricsError(f"metadata key must be a non-empty str, not {key!r}")
    _check_json(key, value)


def _check_json(key: str, value: Any) -> None:
    """Walked with a stack, not recursion: a value nested ~1,000 deep (or one that holds itself)
    is a MetricsError, not a RecursionError."""
    pending = [(value, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, _JSON_SCALARS):
            continue
        if isinstance(value, float):
            if not math.isfinite(value):
                raise MetricsError(f"metadata {key!r}: {value!r} is not a JSON number")
            continue
        if depth > MAX_METADATA_DEPTH:
            raise MetricsError(f"metadata {key!r} is nested deeper than {MAX_METADATA_DEPTH}")
        if isinstance(value, list | tuple):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, dict):
            for name, item in value.items():
                if not isinstance(name, str):
                    raise MetricsError(f"metadata {key!r}: object key {name!r} is not a str")
                pending.append((item, depth + 1))
        else:
            raise MetricsError(f"metadata {key!r}: {type(value).__name__} is not a JSON type")
