"""The codec: strict JSON types, nested structures, and error messages that name field paths."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

import attrs
import pytest

from lambdaflow import MarshalError, UnmarshalError
from lambdaflow.framework.codec import decoder_for, encode, encoder_for


class Size(enum.Enum):
    SMALL = "s"
    LARGE = "l"


@attrs.frozen
class Item:
    name: str
    price: float
    size: Size = Size.SMALL


@attrs.frozen
class Order:
    id: int
    items: list[Item]
    placed: dt.datetime
    note: str | None = None
    tags: dict[str, int] = attrs.Factory(dict)
    gift: bool = False


ORDER_JSON = (
    b'{"id": 7, "items": [{"name": "tea", "price": 3},'
    b' {"name": "pot", "price": 19.5, "size": "l"}],'
    b' "placed": "2026-11-28T08:00:00Z", "tags": {"a": 1}, "gift": true}'
)


def test_nested_attrs_with_optional_enum_datetime_dict():
    order = decoder_for(Order)(ORDER_JSON)
    assert order == Order(
        id=7,
        items=[Item("tea", 3.0), Item("pot", 19.5, Size.LARGE)],
        placed=dt.datetime(2026, 11, 28, 8, tzinfo=dt.UTC),
        tags={"a": 1},
        gift=True,
    )


def test_round_trip_through_encode():
    order = decoder_for(Order)(ORDER_JSON)
    assert decoder_for(Order)(encoder_for(Order)(order)) == order


def test_every_bad_field_is_named_with_its_path():
    body = (
        b'{"id": "7", "items": [{"name": "tea", "price": 3}, {"name": 1},'
        b' {"name": "x", "price": "cheap", "size": "xl"}],'
        b' "placed": "soon", "tags": {"a": "b"}, "gift": 1}'
    )
    with pytest.raises(UnmarshalError) as caught:
        decoder_for(Order)(body)
    message = caught.value.message
    assert message.startswith("The event does not match Order: ")
    for problem in [
        "id: expected integer, got string",
        "items[1].name: expected string, got number",
        "items[1].price: missing required field",
        "items[2].price: expected number, got string",
        "items[2].size: expected one of 's', 'l'",
        "placed: expected ISO 8601 datetime, got a string that is not one",
        "tags['a']: expected integer, got string",
        "gift: expected boolean, got number",
    ]:
        assert problem in message
    assert "cattrs" not in message and "ClassValidationError" not in message
    assert caught.value.error_type == "Runtime.UnmarshalError"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[1, 2]", "The event does not match Order: expected object, got array"),
        (b"", "The event does not match Order: expected object, got null"),
        (b'{"id": 1', "Unable to parse the event as JSON: "),
        (b"\xff\xfe", "Unable to parse the event as JSON: "),
    ],
)
def test_wrong_shapes_and_malformed_json(body: bytes, message: str):
    with pytest.raises(UnmarshalError, match=message.replace("[", r"\[")):
        decoder_for(Order)(body)


def test_untyped_decoder_rejects_malformed_json_too():
    with pytest.raises(UnmarshalError, match="Unable to parse the event as JSON"):
        decoder_for(None)(b"{nope")


@dataclasses.dataclass
class Point:
    x: float
    y: float


def test_encode_plain_and_nested_values():
    assert encode({"p": Point(1, 2), "when": dt.date(2026, 1, 2), "s": {3}}) == (
        b'{"p":{"x":1,"y":2},"when":"2026-01-02","s":[3]}'
    )
    assert encode(None) == b"null"
    assert encode(b"\x00raw") == b"\x00raw"
    assert encode("a/b é") == '"a/b é"'.encode()


@pytest.mark.parametrize(
    ("value", "named"),
    [(object(), "object"), ({"f": lambda: 1}, "function"), (float("nan"), "double")],
)
def test_unserializable_results_name_the_type(value, named: str):
    with pytest.raises(MarshalError, match=f"Unable to marshal the response: .*{named}"):
        encode(value)


@pytest.mark.parametrize(
    ("target", "body", "message"),
    [
        # JSON's true is no number, though Python's bool is an int
        (dict[str, int], b'{"a": true}', "a']: expected integer, got boolean"),
        (list[int], b"[1, false]", "[1]: expected integer, got boolean"),
        # ujson reads an out-of-range literal as inf; no handler should see it
        (Item, b'{"name": "tea", "price": 1e999}', "price: expected a finite number, got inf"),
        (list[float], b"[-1e999]", "[0]: expected a finite number, got -inf"),
    ],
)
def test_strict_numbers_refuse_booleans_and_infinities(target, body: bytes, message: str):
    with pytest.raises(UnmarshalError) as caught:
        decoder_for(target)(body)
    assert message in caught.value.message
