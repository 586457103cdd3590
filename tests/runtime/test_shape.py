"""Registration reads a plain function's parameters and kind from its code object, without
importing inspect (issue 20): the same answers as inspect's, for every parameter list."""

from __future__ import annotations

import functools
import inspect
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from lambdaflow.framework.app import Shape


def _read(function: object, how: str) -> tuple:
    shape = Shape.__new__(Shape)
    getattr(shape, how)(function)
    return (shape.coroutine, shape.generator, shape.async_generator,
            [(p.name, p.kind, p.required) for p in shape.parameters])


SIGNATURES = st.builds(
    lambda posonly, regular, defaults, star, kwonly, kwdefaults, starstar, body: (
        posonly, regular, defaults, star, kwonly, kwdefaults, starstar, body),
    st.integers(0, 2), st.integers(0, 3), st.integers(0, 5), st.booleans(), st.integers(0, 3),
    st.lists(st.booleans(), min_size=3, max_size=3), st.booleans(),
    st.sampled_from(["def", "async def", "def:yield", "async def:yield"]),
)


def _source(posonly, regular, defaults, star, kwonly, kwdefaults, starstar, body) -> str:
    names = [f"p{i}" for i in range(posonly)] + [f"r{i}" for i in range(regular)]
    defaults = min(defaults, len(names))
    params = [n if i < len(names) - defaults else f"{n}=1" for i, n in enumerate(names)]
    if posonly:
        params.insert(posonly, "/")
    if star:
        params.append("*args")
    elif kwonly:
        params.append("*")
    params += [f"k{i}=2" if kwdefaults[i] else f"k{i}" for i in range(kwonly)]
    if starstar:
        params.append("**kwargs")
    keyword, _, yields = body.partition(":")
    inner = "    local = 1\n    yield local\n" if yields else "    local = 1\n    return local\n"
    return f"{keyword} f({', '.join(params)}):\n{inner}"


@given(SIGNATURES)
def test_the_code_object_says_what_inspect_says(signature: tuple) -> None:
    namespace: dict = {}
    exec(_source(*signature), namespace)
    function = namespace["f"]
    assert _read(function, "_read_code") == _read(function, "_ask_inspect")


def test_what_inspect_must_answer_is_left_to_it() -> None:
    """A wrapped function, a partial, a builtin: inspect follows, unwraps or knows them."""

    def inner(event, context):
        return event

    @functools.wraps(inner)
    def wrapper(*args, **kwargs):
        return inner(*args, **kwargs)

    for function in (wrapper, functools.partial(inner, context=None), "".join):
        shape = Shape(function)
        assert [p.name for p in shape.parameters] == list(inspect.signature(function).parameters)


PROBE = """
import functools, sys
from lambdaflow.framework.app import Shape
async def handler(event, /, context=None, *more, flag, **rest): ...
shape = Shape(handler)
print("inspect" in sys.modules, shape.coroutine,
      [(p.name, p.kind, p.required) for p in shape.parameters])
def inner(event, context): ...
@functools.wraps(inner)
def wrapper(*args, **kwargs): ...
print([p.name for p in Shape(wrapper).parameters])  # inspect follows __wrapped__
"""


def test_a_plain_function_is_read_without_loading_inspect() -> None:
    """...and a wrapped one, in the same process, still as inspect reads it."""
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split(" ", 2)[:2] == ["False", "True"]
    assert "('event', 0, True), ('context', 1, False), ('more', 2, False), ('flag', 3, True)" \
        in result.stdout
    assert result.stdout.splitlines()[1] == "['event', 'context']"
