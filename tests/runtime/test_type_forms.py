"""type_forms answers as typing does, without loading typing for plain annotations (issue 20).

Each probe runs in a fresh interpreter: type_forms' answers are taken while typing is not
loaded (and the probe checks it stayed so), then compared with typing's own answers.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import json
import subprocess
import sys
import textwrap
import typing

import pytest

from lambdaflow import App, RegistrationError
from lambdaflow.framework import type_forms

PROBE = '''{future}
import dataclasses, json, sys
from lambdaflow.framework import type_forms

class Node:
    pass

@dataclasses.dataclass
class Base:
    name: str
    tags: list[str]

@dataclasses.dataclass
class Child(Base):
    count: int | None
    nested: dict[str, list[Node]]
    items: "list[Child] | None" = None

def handle(event: Child, context: object) -> dict[str, int]: ...
def returns_none(event: Base) -> None: ...
def unannotated(event, context): ...

SUBJECTS = [Base, Child, handle, returns_none, unannotated]
FORMS = [list[int], dict[str, list[int]], int | None, Node | str | None, Node, None, int]

def answer(call):
    try:
        return repr(call())
    except Exception as exc:
        return f"{{type(exc).__name__}}: {{exc}}"

ours = [answer(lambda s=s: type_forms.type_hints(s)) for s in SUBJECTS]
ours += [answer(lambda f=f: (type_forms.origin(f), type_forms.arguments(f),
                             type_forms.is_union(f), type_forms.is_any(f))) for f in FORMS]
loaded = "typing" in sys.modules
import typing
theirs = [answer(lambda s=s: typing.get_type_hints(s)) for s in SUBJECTS]
theirs += [answer(lambda f=f: (typing.get_origin(f), typing.get_args(f),
                               typing.get_origin(f) in (typing.Union, type(int | None)),
                               f is typing.Any)) for f in FORMS]
print(json.dumps({{"typing_loaded": loaded, "ours": ours, "theirs": theirs}}))
'''


@pytest.mark.parametrize("future", ["", "from __future__ import annotations"],
                         ids=["evaluated", "string annotations"])
def test_plain_annotations_answer_as_typing_does_without_loading_it(future: str) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE.format(future=future)],
                            capture_output=True, text=True, check=True)
    answers = json.loads(result.stdout)
    assert answers["typing_loaded"] is False
    assert answers["ours"] == answers["theirs"]
    assert "NoneType" in answers["ours"][3]  # `-> None` is NoneType, as typing says


@dataclasses.dataclass
class Record:
    a: typing.Optional[int]  # noqa: UP045 (typing's own form is the point)
    b: typing.Annotated[str, "meta"]
    c: typing.Any
    d: dataclasses.InitVar[int]


#: typing's own forms (not their builtin spellings) are the point here.
TYPING_FORMS = (
    typing.Optional[int],  # noqa: UP045
    typing.List[int],  # noqa: UP006
    typing.Any,
    typing.Annotated[str, "meta"],
    typing.Callable[[int], str],
)


def test_forms_made_by_typing_are_answered_by_typing() -> None:
    # repr: an InitVar is equal only to itself
    assert repr(type_forms.type_hints(Record)) == repr(typing.get_type_hints(Record))
    for form in TYPING_FORMS:
        assert type_forms.origin(form) == typing.get_origin(form)
        assert type_forms.arguments(form) == typing.get_args(form)
    assert type_forms.is_union(TYPING_FORMS[0])
    assert type_forms.is_any(typing.Any)
    assert type_forms.is_type_variable(typing.TypeVar("T"))


UNRESOLVED = '''
import dataclasses, sys
from lambdaflow.framework import type_forms

def handle(event: "Missing") -> None: ...

@dataclasses.dataclass
class Shadowed:
    value: "Optional[int]"

for subject in (handle, Shadowed):
    try:
        type_forms.type_hints(subject)
    except NameError as exc:
        print(type(exc).__name__, exc)
'''


def test_an_annotation_that_does_not_resolve_gets_typings_own_error() -> None:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(UNRESOLVED)],
                            capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [
        "NameError name 'Missing' is not defined",
        "NameError name 'Optional' is not defined",
    ]


ODD = '''
import sys
from lambdaflow.framework import type_forms

A = "B"
B = "A"

def cyclic(event: "A"): ...
def unpacked(event: tuple[*tuple[int, str]]): ...
def no_check(event: list[int]): ...
no_check.__no_type_check__ = True

ours = [repr(type_forms.type_hints(f)) for f in (cyclic, unpacked, no_check)]
import typing
print(ours == [repr(typing.get_type_hints(f)) for f in (cyclic, unpacked, no_check)], ours)
'''


def test_annotations_typing_reads_its_own_way_are_left_to_it() -> None:
    """A string naming a string (a cycle), an unpacked tuple, hints switched off: typing's."""
    result = subprocess.run([sys.executable, "-c", ODD], capture_output=True, text=True,
                            check=True, timeout=30)
    assert result.stdout.startswith("True"), result.stdout


def test_a_stream_of_none_chunks_is_refused_at_registration() -> None:
    def handler(event: dict) -> collections.abc.Iterator[None]:
        yield None

    with pytest.raises(RegistrationError, match="it streams None chunks"):
        App().handler(handler)
