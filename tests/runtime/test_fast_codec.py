"""The codec's cattrs-free path: the same values accepted and produced as cattrs' converters,
and cattrs loaded only when an event fails or a type needs it (issue 20)."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import enum
import json
import subprocess
import sys
import traceback
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdaflow.errors import UnmarshalError
from lambdaflow.framework import codec, converter

from .conftest import runtime_env
from .test_generated import mutated


@attrs.define
class Leaf:
    name: str
    count: int = 0
    weight: float | None = None


@dataclasses.dataclass
class Covered:
    leaves: list[Leaf]
    by_name: dict[str, Leaf] = dataclasses.field(default_factory=dict)
    tags: list[str] = dataclasses.field(default_factory=list)
    scores: dict[str, float] = dataclasses.field(default_factory=dict)
    flag: bool | None = None
    when: datetime.date | None = None
    extra: Any = None
    first: Leaf | None = None


COVERED = {
    "leaves": [{"name": "a", "count": 2, "weight": 1.5}, {"name": "b"}],
    "by_name": {"a": {"name": "a"}},
    "tags": ["x", "y"],
    "scores": {"a": 1.5, "b": 2},
    "flag": True,
    "when": "2026-12-06",
    "extra": [1, {"z": None}],
    "first": {"name": "c", "weight": 3},
}


def outcome(decode: Any, value: Any) -> tuple[str, Any]:
    try:
        return "ok", decode(value)
    except Exception:
        return "error", None


def test_covered_types_register_and_decode_without_cattrs() -> None:
    # hooks are built here without converter's; the test imports cattrs, so look at codec's own
    assert codec.convertible(Covered)
    assert Covered in codec._structure_hooks and Leaf in codec._structure_hooks


def _without_cattrs(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the codec may not reach its cattrs side: the fast path must do it all."""
    monkeypatch.setattr(codec, "_cattrs", lambda: pytest.fail("the codec used cattrs"))


def test_valid_values_decode_as_cattrs_structures_them(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_cattrs(monkeypatch)
    decoded = codec.decoder_for(Covered)(json.dumps(COVERED).encode())
    monkeypatch.undo()
    expected = converter.detailed_converter().structure(copy.deepcopy(COVERED), Covered)
    assert decoded == expected and decoded.when == datetime.date(2026, 12, 6)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_values_are_accepted_or_rejected_as_by_cattrs(data) -> None:
    value = data.draw(mutated(COVERED))
    decode = codec.decoder_for(Covered)
    fast = outcome(lambda v: decode(json.dumps(v).encode()), value)
    detailed = outcome(
        lambda v: converter.detailed_converter().structure(v, Covered), copy.deepcopy(value)
    )
    assert fast == detailed


def test_a_list_field_given_a_string_is_refused_as_the_json_types_say() -> None:
    """The fast path hands a value that is no list to cattrs, whose strict array hook refuses
    it (issue 22): `{"tags": "ab"}` is not `["a", "b"]`."""
    with pytest.raises(UnmarshalError, match="tags: expected array, got string"):
        codec.decoder_for(Covered)(b'{"leaves": [], "tags": "ab"}')


def test_detailed_errors_name_every_bad_field() -> None:
    with pytest.raises(UnmarshalError) as caught:
        codec.decoder_for(Covered)(b'{"leaves": [{"count": "1"}], "flag": 1, "when": "soon"}')
    assert caught.value.message == (
        "The event does not match Covered: leaves[0].name: missing required field; "
        "leaves[0].count: expected integer, got string; flag: expected boolean, got number; "
        "when: expected ISO 8601 date, got a string that is not one"
    )


@attrs.frozen
class Out:
    name: str
    count: int
    ratio: float | None
    leaf: Leaf
    _private: bool = False


@dataclasses.dataclass
class Renamed:
    message_id: str = dataclasses.field(metadata={codec.JSON_KEY: "messageId"})


@pytest.mark.parametrize(
    "result",
    [
        Out("a", 1, None, Leaf("l", 2, 0.5)),
        Out("é/\n", -1, 2, Leaf("l"), True),
        Out(datetime.date(2026, 1, 2), 1, 1.0, Leaf("x")),  # wrong types pass through, as cattrs
        Renamed("m-1"),
    ],
)
def test_results_encode_to_cattrs_bytes(result: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cattrs_unstructure = codec.converter.get_unstructure_hook(type(result))
    expected = codec.encode(cattrs_unstructure(result))
    assert codec._unstructure_hook(type(result)) is not None
    if not isinstance(getattr(result, "name", ""), datetime.date):  # a date's text is cattrs'
        _without_cattrs(monkeypatch)  # the encoder must use the fast path's function
    assert codec.encoder_for(type(result))(result) == expected


ECHO = """
import sys
EMF = "lambdaflow.observability.emf"  # the metrics line's EMF form, unless configured
{imports}
from lambdaflow import App

{decorator}
class Input:
    input: str

{decorator}
class Output:
    message: str

app = App()

@app.handler
def handle(event: Input) -> Output:
    loaded = {{"cattrs", "attrs", "typing", "socket", EMF}} & set(sys.modules)
    return Output(message=",".join(sorted(loaded)))
"""


@pytest.mark.parametrize(
    ("imports", "decorator", "loaded"),
    [("import attrs", "@attrs.frozen", "attrs,typing"),  # attrs imports typing itself
     ("import dataclasses", "@dataclasses.dataclass", "")],
    ids=["attrs", "dataclass"],
)
def test_cattrs_typing_and_socket_are_not_loaded_for_good_events(
    api, start_runtime, imports: str, decorator: str, loaded: str
) -> None:
    start_runtime(ECHO.format(imports=imports, decorator=decorator))
    assert api.invoke(b'{"input": "a"}').json() == {"message": loaded}
    # after the first response and its metrics line: still no cattrs, and no EMF
    assert api.invoke(b'{"input": "b"}').json() == {"message": loaded}
    bad = api.invoke(b'{"input": 1, "other": 2}')
    assert bad.kind == "error"
    assert (bad.json()["errorType"], bad.json()["errorMessage"]) == (
        "Runtime.UnmarshalError",
        "The event does not match Input: input: expected string, got number",
    )
    assert "cattrs" in api.invoke(b'{"input": "c"}').json()["message"]


def test_an_unconvertible_type_is_still_refused_at_registration() -> None:
    probe = (
        "import sys\n"
        "from lambdaflow import App, RegistrationError\n"
        "class Plain: pass\n"
        "app = App()\n"
        "try:\n"
        "    app.handler(lambda event: None).__annotations__\n"
        "    def handle(event: Plain) -> None: ...\n"
        "    app2 = App(); app2.handler(handle)\n"
        "except RegistrationError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], env=runtime_env(None),
                            capture_output=True, text=True)
    assert "which lambdaflow cannot convert" in result.stdout, result.stderr


DICT_ECHO = """
import sys
from lambdaflow import App

app = App()

@app.handler
def handle(event: dict, context) -> dict:
    loaded = {"inspect", "typing", "socket", "cattrs", "attrs", "dataclasses"} & set(sys.modules)
    return {"message": event["input"], "loaded": sorted(loaded)}
"""


def test_an_untyped_function_loads_no_inspect_typing_or_socket(api, start_runtime) -> None:
    """A dict handler pays for none of what typed registration or the stdlib socket loads."""
    start_runtime(DICT_ECHO)
    assert api.invoke(b'{"input": "a"}').json() == {"message": "a", "loaded": []}


@dataclasses.dataclass
class Comment:
    """A class that contains itself: a thread of replies."""

    text: str
    replies: list[Comment] | None = None


@attrs.frozen
class Menu:
    label: str
    children: list[Menu] = attrs.Factory(list)
    parent: Menu | None = None


THREAD = {"text": "a", "replies": [{"text": "b", "replies": [{"text": "c"}]}, {"text": "d"}]}
MENU = {"label": "root", "children": [{"label": "x", "children": [{"label": "y"}]}],
        "parent": {"label": "up"}}


@pytest.mark.parametrize(("cls", "event"), [(Comment, THREAD), (Menu, MENU)],
                         ids=["dataclass", "attrs"])
def test_a_class_that_contains_itself_decodes_without_cattrs(
    cls: type, event: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tree registers (it used to recurse without end) and decodes on the fast path, as the
    cattrs converter structures it; a bad leaf deep in it is named by the detailed error."""
    decode = codec.decoder_for(cls)
    assert cls in codec._structure_hooks  # the fast path's own hook, not cattrs'
    expected = converter.converter.structure(copy.deepcopy(event), cls)
    _without_cattrs(monkeypatch)
    assert decode(json.dumps(event).encode()) == expected
    monkeypatch.undo()
    bad = copy.deepcopy(event)
    leaf = bad["replies"][0]["replies"][0] if cls is Comment else bad["children"][0]["children"][0]
    leaf["text" if cls is Comment else "label"] = 7
    with pytest.raises(UnmarshalError, match=r"\.(text|label): expected string, got number"):
        decode(json.dumps(bad).encode())
    assert json.loads(codec.encoder_for(cls)(expected)) == converter.converter.unstructure(expected)


class Status(enum.Enum):
    OPEN = "open"


@dataclasses.dataclass
class Order:
    """Contains a Customer that contains an Order, and a field only cattrs converts."""

    customer: Customer | None
    status: Status


@dataclasses.dataclass
class Customer:
    name: str
    last_order: Order | None = None


def test_a_class_built_inside_one_cattrs_must_convert_still_decodes() -> None:
    """Building Order builds Customer (cached, its Order field to be looked up later), then
    Order's enum sends Order to cattrs: Customer's hook must then find cattrs' Order."""
    codec.decoder_for(Order)
    decode = codec.decoder_for(Customer)
    event = {"name": "ann", "last_order": {"customer": {"name": "bo"}, "status": "open"}}
    assert decode(json.dumps(event).encode()) == Customer(
        "ann", Order(Customer("bo"), Status.OPEN)
    )


def test_a_tree_too_deep_to_convert_is_refused_naming_the_cause() -> None:
    """Valid, but deeper than Python's stack allows the generated hooks: the stack is cut to
    100 frames above this test's, so every Python (3.12 inlines comprehensions) runs out."""
    event: dict[str, Any] = {"text": "leaf"}
    for _ in range(200):
        event = {"text": "x", "replies": [event]}
    decode, body = codec.decoder_for(Comment), json.dumps(event).encode()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(traceback.extract_stack()) + 100)
    try:
        with pytest.raises(UnmarshalError) as raised:
            decode(body)
    finally:
        sys.setrecursionlimit(limit)
    assert str(raised.value).startswith(
        "The event does not match Comment: it is nested too deeply to convert"
    )
