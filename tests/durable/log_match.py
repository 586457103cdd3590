"""The conformance requirements' ``ExpectedLogs``, checked against the emulator's output.

AWS's validator reads CloudWatch: the JSON log lines whose top-level ``executionArn`` (or
``durableExecutionArn``) is the execution's. The emulator prints the same lines on stdout, so
the same rules apply to them (aws/aws-durable-execution-conformance-tests' README): ``match``
fields are equal (strings stripped, ``/re/`` a regex search), ``count`` or ``min_count`` /
``max_count`` (at least one match if neither), and ``before`` / ``after`` anchors order them.
"""

from __future__ import annotations

import json
import re
from typing import Any


def execution_records(output: str, arn: str) -> list[dict[str, Any]]:
    """The execution's JSON log lines, in the order they were printed."""
    records = []
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and arn in (
            record.get("executionArn"),
            record.get("durableExecutionArn"),
        ):
            records.append(record)
    return records


def check_logs(expected: list[dict[str, Any]], records: list[dict[str, Any]]) -> list[str]:
    """The unmet expectations (empty: every one is met)."""
    errors = []
    for index, expectation in enumerate(expected):
        label = f"ExpectedLogs[{index}] {expectation['match']}"
        own = _matching(expectation["match"], records)
        count = expectation.get("count")
        lowest, highest = expectation.get("min_count"), expectation.get("max_count")
        if count is None and lowest is None and highest is None:
            lowest = 1
        if count is not None and len(own) != count:
            errors.append(f"{label}: {len(own)} matches, expected {count}")
        if lowest is not None and len(own) < lowest:
            errors.append(f"{label}: {len(own)} matches, expected at least {lowest}")
        if highest is not None and len(own) > highest:
            errors.append(f"{label}: {len(own)} matches, expected at most {highest}")
        for direction in ("after", "before"):
            anchors = expectation.get(direction) or []
            for anchor in anchors if isinstance(anchors, list) else [anchors]:
                theirs = _matching(anchor, records)
                if not theirs:
                    errors.append(f"{label}: its {direction} anchor {anchor} matched nothing")
                elif own and direction == "after" and own[0] < theirs[-1]:
                    errors.append(f"{label}: not all after {anchor}")
                elif own and direction == "before" and own[-1] > theirs[0]:
                    errors.append(f"{label}: not all before {anchor}")
    return errors


def _matching(matcher: dict[str, Any], records: list[dict[str, Any]]) -> list[int]:
    return [
        index
        for index, record in enumerate(records)
        if all(key in record and _equal(want, record[key]) for key, want in matcher.items())
    ]


def _equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str):
        text = str(actual).strip()
        if len(expected) >= 2 and expected[0] == expected[-1] == "/":
            return re.search(expected[1:-1], text) is not None
        return text == expected.strip()
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return float(expected) == float(actual)
    return str(expected) == str(actual)
