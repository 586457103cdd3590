"""The checker itself: each rule it claims to enforce refuses a record that breaks it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from .emf_schema import parse_line, problems

VALID: dict[str, Any] = {
    "_aws": {
        "Timestamp": 1574109732004,
        "CloudWatchMetrics": [
            {
                "Namespace": "lambda-function-metrics",
                "Dimensions": [["functionVersion"]],
                "Metrics": [{"Name": "time", "Unit": "Milliseconds", "StorageResolution": 60}],
            }
        ],
    },
    "functionVersion": "$LATEST",
    "time": 100,
}


def _broken(path: str, value: Any) -> dict[str, Any]:
    record = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    node: Any = record
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return record


def test_the_specification_example_passes() -> None:
    assert problems(VALID) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("_aws.Timestamp", "2019-11-18"),
        ("_aws.CloudWatchMetrics.0.Namespace", "AWS/Lambda"),
        ("_aws.CloudWatchMetrics.0.Namespace", "x" * 256),
        ("_aws.CloudWatchMetrics.0.Namespace", "a|b"),
        ("_aws.CloudWatchMetrics.0.Dimensions", [[f"d{i}" for i in range(31)]]),
        ("_aws.CloudWatchMetrics.0.Dimensions", [["functionVersion", "functionVersion"]]),
        ("_aws.CloudWatchMetrics.0.Metrics", [{"Name": f"m{i}"} for i in range(101)]),
        ("_aws.CloudWatchMetrics.0.Metrics.0.Unit", "Millis"),
        ("_aws.CloudWatchMetrics.0.Metrics.0.StorageResolution", 5),
        ("_aws.CloudWatchMetrics.0.Metrics.0.Name", "x" * 256),
        ("functionVersion", 3),
        ("functionVersion", "v" * 1025),
        ("time", True),
        ("time", "100"),
        ("time", list(range(101))),
        ("time", 2.0**361),
    ],
)
def test_each_rule_refuses_a_record_that_breaks_it(path: str, value: Any) -> None:
    assert problems(_broken(path, value)) != []


def test_a_missing_target_is_refused() -> None:
    record = copy.deepcopy(VALID)
    del record["time"]
    assert problems(record) != []


def test_nan_is_not_json() -> None:
    with pytest.raises(ValueError, match="NaN"):
        parse_line('{"time": NaN}')
