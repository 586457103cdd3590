"""App registration: decorators record and return functions; bad signatures fail loudly."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterator
from typing import Any

import attrs
import pytest

from examples.echo.app import Input, Output
from lambdaflow import App, Context, RegistrationError


class NotConvertible:
    pass


@attrs.frozen
class HoldsNotConvertible:
    inner: NotConvertible


def test_decorators_return_the_function_unchanged():
    app = App()

    def handle(event: Input, ctx: Context) -> Output:
        return Output(event.input)

    def init() -> None: ...

    assert app.handler(handle) is handle
    assert app.cold_start(init) is init
    assert app.shutdown(init) is init
    assert app.validate(handle) is handle


def test_second_handler_names_both_functions():
    app = App()

    @app.handler
    def first(event: dict) -> dict:
        return event

    with pytest.raises(RegistrationError, match=r"second.*first.*exactly one"):

        @app.handler
        def second(event: dict) -> dict:
            return event


def test_second_validate_is_refused():
    app = App()
    app.validate(lambda event: None)
    with pytest.raises(RegistrationError, match="already registered"):
        app.validate(lambda event: None)


def test_missing_handler_is_reported_at_plan_time():
    with pytest.raises(RegistrationError, match="no handler"):
        App().plan()


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("def f() -> dict: ...", "must take the event as its first parameter"),
        ("def f(event, ctx, extra) -> dict: ...", "also requires extra"),
        ("def f(event, *, flag) -> dict: ...", "also requires flag"),
        # an annotated second parameter that is not a Context is no context parameter
        ("def f(event: dict, limit: int) -> dict: ...", "also requires limit"),
        ("async def f(event) -> dict:\n    yield event", "an async generator streams"),
        ("async def f(event) -> Iterator[bytes]:\n    yield event", "an async generator streams"),
        ("async def f(event) -> AsyncIterator[int]:\n    yield event", "streams <class 'int'>"),
        ("def f(event) -> dict:\n    yield event", "a generator function streams"),
        (
            "def f(event: NotConvertible) -> dict: ...",
            "event parameter 'event' is .*NotConvertible",
        ),
        ("def f(event: dict) -> NotConvertible: ...", "return annotation is .*NotConvertible"),
        ("def f(event: HoldsNotConvertible) -> dict: ...", "event parameter 'event' is .*Holds"),
        ("def f(event: 'Missing') -> dict: ...", "annotations do not resolve"),
        ("def f(event: None) -> None: ...", "event parameter 'event' is <class 'NoneType'>"),
        ("def f(event: Iterator[None]) -> None: ...", "event parameter 'event' is .*Iterator"),
    ],
)
def test_unusable_handler_signatures(source: str, problem: str):
    namespace: dict[str, Any] = {
        "AsyncIterator": AsyncIterator,
        "Iterator": Iterator,
        "NotConvertible": NotConvertible,
        "HoldsNotConvertible": HoldsNotConvertible,
    }
    exec(source, namespace)
    with pytest.raises(RegistrationError, match=rf"handler .*\.f: .*{problem}"):
        App().handler(namespace["f"])


def test_not_a_function():
    with pytest.raises(RegistrationError, match="needs a function"):
        App().handler(42)


@pytest.mark.parametrize(
    "annotation",
    [None, AsyncIterator[bytes], AsyncIterator[str], AsyncIterable[bytes],
     AsyncGenerator[bytes | str, None], AsyncIterator],
)
def test_an_async_generator_handler_streams(annotation: Any):
    async def handle(event):
        yield event

    if annotation is not None:
        handle.__annotations__["return"] = annotation
    app = App()
    app.handler(handle)
    plan = app.plan()
    stream = plan.stream(plan.handler(b"chunk", None))
    stream.start()
    assert list(stream.chunks()) == [b"chunk"]
    assert plan.async_handler  # concurrent invocations are tasks on the one loop


def test_validate_and_hooks_are_refused_as_async_generators():
    async def generator(event=None):
        yield event

    app = App()
    for register in (app.validate, app.cold_start, app.shutdown, app.before_snapshot,
                     app.after_restore):
        with pytest.raises(RegistrationError, match="async generator returns no value"):
            register(generator)


@pytest.mark.parametrize("role", ["cold_start", "shutdown"])
def test_hooks_take_no_arguments(role: str):
    def hook(config) -> None: ...

    with pytest.raises(RegistrationError, match=rf"{role} hooks take no arguments.*config"):
        getattr(App(), role)(hook)


def test_hooks_with_defaults_are_fine_and_keep_order():
    app = App()
    calls: list[int] = []
    app.cold_start(lambda: calls.append(1))
    app.cold_start(lambda retries=3: calls.append(2))

    @app.handler
    def handle(event): ...

    for hook in app.plan().cold_start:
        hook()
    assert calls == [1, 2]


@attrs.frozen
class Other:
    x: int


def test_validate_must_take_the_handlers_type():
    app = App()

    @app.validate
    def check(event: Other) -> None: ...

    @app.handler
    def handle(event: Input) -> Output: ...

    with pytest.raises(RegistrationError, match="both receive the same decoded event"):
        app.plan()


@pytest.mark.parametrize(
    "signature",
    [
        "def f(event: Input, ctx: Context) -> Output: return (event, ctx)",
        "def f(event: Input, context) -> Output: return (event, context)",
        "def f(event: Input, *, ctx: Context) -> Output: return (event, ctx)",
        "def f(event: Input) -> Output: return (event, None)",
    ],
)
def test_context_is_passed_only_where_asked(signature: str):
    namespace: dict[str, Any] = {"Input": Input, "Output": Output, "Context": Context}
    exec(signature, namespace)
    app = App()
    app.handler(namespace["f"])
    plan = app.plan()
    event, ctx = plan.handler(plan.decode(b'{"input": "x"}'), "the-context")
    assert event == Input("x")
    assert ctx == (None if "-> Output: return (event, None)" in signature else "the-context")


@dataclasses.dataclass
class DataInput:
    items: list[int]


@pytest.mark.parametrize(
    ("annotation", "body", "expected"),
    [
        (None, b'{"a": [1, 2]}', {"a": [1, 2]}),
        (dict, b'{"a": 1}', {"a": 1}),
        (Any, b"[1, 2]", [1, 2]),
        (DataInput, b'{"items": [1, 2]}', DataInput([1, 2])),
        (bytes, b"not json at all", b"not json at all"),
        (list[int], b"[3, 4]", [3, 4]),
    ],
)
def test_input_types(annotation, body, expected):
    app = App()

    def handle(event):
        return event

    if annotation is not None:
        handle.__annotations__["event"] = annotation
    app.handler(handle)
    plan = app.plan()
    assert plan.handler(plan.decode(body), None) == expected


@pytest.mark.parametrize(
    "role", ["handler", "validate", "cold_start", "shutdown", "before_snapshot", "after_restore"]
)
def test_a_registration_after_the_plan_is_built_is_refused_naming_the_function(role: str) -> None:
    """Flask's `setupmethod` rule: the loop runs the plan, so a late function would never run."""
    app = App()
    app.handler(lambda event: event)
    app.plan()

    def late(event: dict | None = None) -> None: ...

    with pytest.raises(RegistrationError, match=rf"cannot register {role} .*late.*already built"):
        getattr(app, role)(late)
