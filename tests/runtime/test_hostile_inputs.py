"""Hostile values on the runtime's side (issue 22): what a handler or a caller can hand the
runtime that must be refused, bounded or escaped rather than passed on."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence

import attrs
import pytest

from lambdaflow.errors import UnmarshalError
from lambdaflow.framework.codec import MAX_PROBLEMS, decoder_for
from lambdaflow.framework.streaming import HttpStream


@pytest.mark.parametrize("status", [100, 101, 199, 204, 304])
def test_http_stream_refuses_a_status_that_has_no_body(status: int) -> None:
    with pytest.raises(ValueError, match="HttpStream"):
        HttpStream(status)


def test_http_stream_takes_a_status_with_a_body() -> None:
    assert HttpStream(205).status_code == 205


def test_http_stream_refuses_a_header_name_that_only_lower_cases_to_a_token() -> None:
    with pytest.raises(ValueError, match="not an HTTP token"):
        HttpStream(headers={"\u212a-Kelvin": "1"})


@attrs.define
class Shapes:
    names: list[str] = attrs.field(factory=list)
    tags: set[str] = attrs.field(factory=set)
    frozen: frozenset[int] = frozenset()
    numbers: tuple[int, ...] = ()
    pair: tuple[int, str] = (0, "")
    sequence: Sequence[str] = ()
    records: list[Grant] = attrs.field(factory=list)
    counts: dict[str, int] = attrs.field(factory=dict)
    mapping: Mapping[str, str] = attrs.field(factory=dict)
    anything: list = attrs.field(factory=list)


@attrs.define
class Grant:
    user: str


@pytest.mark.parametrize(
    "field", ["names", "tags", "frozen", "numbers", "pair", "sequence", "records", "anything"]
)
@pytest.mark.parametrize(("value", "kind"), [("admin", "string"), ({"a": 1}, "object")])
def test_an_array_field_takes_only_a_json_array(field: str, value: object, kind: str) -> None:
    with pytest.raises(UnmarshalError, match=f"{field}: expected array, got {kind}"):
        decoder_for(Shapes)(json.dumps({field: value}).encode())


@pytest.mark.parametrize("field", ["counts", "mapping"])
@pytest.mark.parametrize(("value", "kind"), [(["a", 1], "array"), ("ab", "string")])
def test_an_object_field_takes_only_a_json_object(field: str, value: object, kind: str) -> None:
    with pytest.raises(UnmarshalError, match=f"{field}: expected object, got {kind}"):
        decoder_for(Shapes)(json.dumps({field: value}).encode())


def test_containers_of_the_right_json_types_decode() -> None:
    event = {
        "names": ["a"],
        "tags": ["t", "t"],
        "frozen": [1],
        "numbers": [1, 2],
        "pair": [1, "x"],
        "sequence": ["s"],
        "records": [{"user": "u"}],
        "counts": {"a": 1},
        "mapping": {"k": "v"},
        "anything": [1, "x", None],
    }
    assert decoder_for(Shapes)(json.dumps(event).encode()) == Shapes(
        ["a"], {"t"}, frozenset({1}), (1, 2), (1, "x"), ["s"], [Grant("u")], {"a": 1},
        {"k": "v"}, [1, "x", None],
    )  # fmt: skip
    for top in (list[str], set[str], tuple[str, ...], dict[str, str]):
        with pytest.raises(UnmarshalError, match=r"expected (array|object), got string"):
            decoder_for(top)(b'"admin"')


def test_a_fixed_tuple_takes_its_length_only() -> None:
    with pytest.raises(UnmarshalError, match="pair: expected an array of 2 items, got 3"):
        decoder_for(Shapes)(b'{"pair": [1, "a", 2]}')


@pytest.mark.parametrize(
    ("target", "event", "first"),
    [
        (list[int], ["x"] * 200_000, "[0]: expected integer, got string"),
        (
            dict[str, int],
            {f"k{n}": "x" for n in range(200_000)},
            "['k0']: expected integer, got string",
        ),
        (list[Grant], [{"user": 1}] * 200_000, "[0].user: expected string, got number"),
    ],
)
def test_an_unmarshal_error_names_the_first_problems_only(target, event, first: str) -> None:
    decode, body = decoder_for(target), json.dumps(event).encode()  # not the part timed
    started = time.perf_counter()
    with pytest.raises(UnmarshalError) as caught:
        decode(body)
    elapsed = time.perf_counter() - started
    problems = str(caught.value).partition(": ")[2].split("; ")
    assert problems[0] == first
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == "and more problems not listed"
    assert elapsed < 1.0  # the 200,000 problems are not all collected


def test_an_unmarshal_error_with_few_problems_lists_them_all() -> None:
    with pytest.raises(UnmarshalError) as caught:
        decoder_for(list[int])(json.dumps(["x"] * MAX_PROBLEMS).encode())
    assert str(caught.value).count("expected integer") == MAX_PROBLEMS
    assert "not listed" not in str(caught.value)
