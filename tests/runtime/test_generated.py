"""The fast structure path agrees with cattrs' detailed converter, value for value.

Every value either both accept, with equal results, or both reject; the detailed converter
only runs to explain a rejection, so any disagreement would be a silent change of behaviour.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import json
from pathlib import Path
from typing import Any, Literal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdaflow.events import (
    APIGatewayProxyEvent,
    APIGatewayProxyEventV2,
    DynamoDBStreamEvent,
    S3Event,
    SNSEvent,
    SQSEvent,
)
from lambdaflow.framework import codec, converter

SAMPLES = Path(__file__).resolve().parents[1] / "events" / "samples"


class Color(enum.Enum):
    RED = "red"


@attrs.define
class Leaf:
    name: str
    count: int = 0


@dataclasses.dataclass
class Tree:
    leaves: list[Leaf]
    by_name: dict[str, Leaf] = dataclasses.field(default_factory=dict)
    tags: list[str] = dataclasses.field(default_factory=list)
    scores: dict[str, float] = dataclasses.field(default_factory=dict)
    flag: bool | None = None
    color: Color = Color.RED
    kind: Literal["a", "b"] = "a"
    extra: Any = None


@attrs.define
class Private:
    _secret: str
    numbers: list[int] = attrs.Factory(list)
    nested: Tree | None = None


def outcome(converter: Any, value: Any, target: Any) -> tuple[str, Any]:
    try:
        return "ok", converter.structure(value, target)
    except Exception:
        return "error", None


def assert_agree(value: Any, target: Any) -> None:
    fast = outcome(codec.converter, copy.deepcopy(value), target)
    detailed = outcome(converter.detailed_converter(), copy.deepcopy(value), target)
    assert fast == detailed


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, original: Any) -> Any:
    """The value with one place replaced by any JSON value, or (in an object) removed."""
    value = copy.deepcopy(original)
    path = draw(st.sampled_from(paths(value)))
    if not path:
        return draw(json_values)
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    return value


TREE = {
    "leaves": [{"name": "a", "count": 2}, {"name": "b"}],
    "by_name": {"a": {"name": "a"}},
    "tags": ["x", "y"],
    "scores": {"a": 1.5, "b": 2},
    "flag": True,
    "color": "red",
    "kind": "b",
    "extra": [1, {"z": None}],
}
CASES: list[tuple[Any, Any]] = [
    (Tree, TREE),
    (Private, {"_secret": "s", "numbers": [1, 2], "nested": TREE}),
    *[
        (cls, json.loads((SAMPLES / f"{name}.json").read_bytes()))
        for cls, name in [
            (SQSEvent, "sqs"),
            (SNSEvent, "sns"),
            (S3Event, "s3"),
            (DynamoDBStreamEvent, "dynamodb"),
            (APIGatewayProxyEvent, "api_gateway_v1"),
            (APIGatewayProxyEventV2, "api_gateway_v2"),
        ]
    ],
]


@pytest.mark.parametrize(("target", "value"), CASES, ids=lambda case: getattr(case, "__name__", ""))
def test_valid_values_structure_the_same(target: Any, value: Any) -> None:
    fast = codec.converter.structure(copy.deepcopy(value), target)
    assert fast == converter.detailed_converter().structure(copy.deepcopy(value), target)


@pytest.mark.parametrize(("target", "value"), CASES, ids=lambda case: getattr(case, "__name__", ""))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_values_are_accepted_or_rejected_by_both(target: Any, value: Any, data) -> None:
    assert_agree(data.draw(mutated(value)), target)


def test_a_private_attribute_keeps_its_name_as_key_and_is_set_through_its_alias() -> None:
    assert codec.converter.structure({"_secret": "s"}, Private) == Private(secret="s")


def test_factory_defaults_are_fresh_per_instance() -> None:
    first = codec.converter.structure({"leaves": []}, Tree)
    second = codec.converter.structure({"leaves": []}, Tree)
    first.tags.append("x")
    assert second.tags == []


@attrs.define
class Checked:
    count: int = attrs.field(validator=attrs.validators.ge(0))
    name: str = attrs.field(converter=str.upper, default="x")
    doubled: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        self.doubled = self.count * 2


@attrs.frozen
class Frozen:
    name: str
    tags: list[str] = attrs.Factory(list)


def test_validators_converters_and_post_init_still_run() -> None:
    # init=False keeps Checked on cattrs' own path; a subclass with all init fields uses ours.
    @attrs.define
    class Plain:
        count: int = attrs.field(validator=attrs.validators.ge(0))
        name: str = attrs.field(converter=str.upper, default="x")

        def __attrs_post_init__(self) -> None:
            self.name += "!"

    assert codec.converter.structure({"count": 2, "name": "ab"}, Plain).name == "AB!"
    with pytest.raises(ValueError):
        codec.converter.structure({"count": -1}, Plain)
    assert codec.converter.structure({"count": 3}, Checked).doubled == 6


def test_frozen_classes_are_built_through_their_init() -> None:
    frozen = codec.converter.structure({"name": "a"}, Frozen)
    assert frozen == Frozen("a") and frozen.tags == []
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        frozen.name = "b"  # type: ignore[misc]


def test_a_post_init_hook_alone_keeps_the_class_off_the_direct_slot_path() -> None:
    # No validator or converter: only __attrs_post_init__ says the class's own __init__ must run.
    @attrs.define
    class Stamped:
        name: str
        label: str = ""

        def __attrs_post_init__(self) -> None:
            self.label = f"<{self.name}>"

    assert codec.converter.structure({"name": "a"}, Stamped).label == "<a>"
