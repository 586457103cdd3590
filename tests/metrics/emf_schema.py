"""The EMF specification's rules as a checker, written from AWS's published text, not from the code.

Sources: "Specification: Embedded metric format" (CloudWatch User Guide) and its JSON Schema,
tightened where the CloudWatch API reference (`Dimension`, `Metric`, `MetricDatum`) is stricter
than that schema (metric names 255 characters, namespaces 255 and their character set, values
within +-2**360). The schema covers `_aws`; `check_record` adds the rules a schema cannot state:
every reference is a root member of the right type.
"""

from __future__ import annotations

import json
import math
from typing import Any

from jsonschema import Draft202012Validator

_UNITS = [
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
    "Terabits/Second", "Count/Second", "None",
]  # fmt: skip

_NAME = {"type": "string", "minLength": 1, "pattern": r"^[ -~]*[!-~][ -~]*$"}

EMF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["_aws"],
    "properties": {
        "_aws": {
            "type": "object",
            "required": ["Timestamp", "CloudWatchMetrics"],
            "properties": {
                "Timestamp": {"type": "integer", "minimum": 0},
                "CloudWatchMetrics": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/$defs/MetricDirective"},
                },
            },
            "additionalProperties": False,
        }
    },
    "$defs": {
        "MetricDirective": {
            "type": "object",
            "required": ["Namespace", "Dimensions", "Metrics"],
            "additionalProperties": False,
            "properties": {
                "Namespace": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 255,
                    "pattern": r"^[0-9A-Za-z._/#: -]*[0-9A-Za-z._/#:-][0-9A-Za-z._/#: -]*$",
                    "not": {"pattern": "^(:|AWS/)"},
                },
                "Dimensions": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "array",
                        "maxItems": 30,
                        "uniqueItems": True,
                        "items": {**_NAME, "maxLength": 250, "not": {"pattern": "^:"}},
                    },
                },
                "Metrics": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 100,
                    "items": {
                        "type": "object",
                        "required": ["Name"],
                        "additionalProperties": False,
                        "properties": {
                            "Name": {**_NAME, "maxLength": 255},
                            "Unit": {"enum": _UNITS},
                            "StorageResolution": {"enum": [1, 60]},
                        },
                    },
                },
            },
        }
    },
}
_VALIDATOR = Draft202012Validator(EMF_SCHEMA)
Draft202012Validator.check_schema(EMF_SCHEMA)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_line(line: str) -> dict[str, Any]:
    """A log line as CloudWatch reads it: strict JSON (no NaN/Infinity), one object."""
    record = json.loads(line, parse_constant=_reject_constant)
    assert isinstance(record, dict), line
    return record


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) <= 2.0**360
    )


def problems(record: dict[str, Any]) -> list[str]:
    """Every way `record` breaks the specification; empty when CloudWatch would accept it."""
    found = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in _VALIDATOR.iter_errors(record)]
    if found:
        return found
    for directive in record["_aws"]["CloudWatchMetrics"]:
        for dimension_set in directive["Dimensions"]:
            for key in dimension_set:
                value = record.get(key)
                if not isinstance(value, str) or not 1 <= len(value) <= 1024:
                    found.append(f"dimension {key!r}: target {value!r} is not a 1-1024 char str")
        names = [metric["Name"] for metric in directive["Metrics"]]
        if len(set(names)) != len(names):
            found.append(f"metric names repeated in one directive: {names}")
        for name in names:
            value = record.get(name)
            values = value if isinstance(value, list) else [value]
            if not 1 <= len(values) <= 100 or not all(map(_is_number, values)):
                found.append(f"metric {name!r}: target {value!r} is not 1-100 numbers")
    return found
