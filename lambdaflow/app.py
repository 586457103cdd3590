"""App: the registration decorators, and the signature inspection behind them.

Like Flask's decorators, each one records the function and returns it unchanged, so user code
stays plain, testable Python. Everything the loop needs to know about a function (its input type,
whether it wants the Context, how to decode its event) is worked out here, once, at registration.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from cattrs.errors import StructureHandlerNotFoundError

from . import codec
from .context import Context
from .errors import RegistrationError

F = TypeVar("F", bound=Callable[..., Any])
#: How the loop calls validate and handler functions, whatever their own signature.
EventCall = Callable[[Any, Context], Any]


def describe(function: Callable[..., Any]) -> str:
    """`module.qualname`, the name every registration error uses for a function."""
    module = getattr(function, "__module__", None) or "?"
    return f"{module}.{getattr(function, '__qualname__', repr(function))}"


class EventFunction:
    """A validate or handler function, with what its signature says about how to call it.

    Plain slots classes here and in Plan: a NamedTuple costs ~0.25 ms of cold start each.
    """

    __slots__ = ("call", "function", "input_type", "output_type")

    def __init__(
        self, function: Callable[..., Any], input_type: Any, output_type: Any, call: EventCall
    ) -> None:
        self.function = function
        self.input_type = input_type
        self.output_type = output_type
        self.call = call


class Plan:
    """What the loop runs: the registered functions, checked and ready to call."""

    __slots__ = ("async_handler", "cold_start", "decode", "encode", "handle", "shutdown",
                 "validate")

    def __init__(
        self,
        *,
        decode: Callable[[bytes], Any],
        encode: Callable[[Any], bytes],
        validate: EventCall | None,
        handle: EventCall,
        cold_start: tuple[Callable[[], None], ...],
        shutdown: tuple[Callable[[], None], ...],
        async_handler: bool = False,
    ) -> None:
        self.decode = decode
        self.encode = encode
        self.validate = validate
        self.handle = handle
        self.cold_start = cold_start
        self.shutdown = shutdown
        #: The handler is `async def`: concurrent invocations are tasks on the one event loop
        #: rather than worker processes (`concurrency`).
        self.async_handler = async_handler


class App:
    """The registry of one function: handler, validate, cold_start and shutdown hooks."""

    def __init__(self) -> None:
        self._handler: EventFunction | None = None
        self._validate: EventFunction | None = None
        self._cold_start: list[Callable[[], None]] = []
        self._shutdown: list[Callable[[], None]] = []

    def handler(self, function: F) -> F:
        """Register the function that serves each invocation (exactly one per App)."""
        if self._handler is not None:
            raise RegistrationError(
                f"cannot register handler {describe(function)}: {describe(self._handler.function)}"
                " is already the handler, and an App has exactly one"
            )
        self._handler = _inspect_event_function(function, "handler", check_output=True)
        return function

    def validate(self, function: F) -> F:
        """Register a check that runs before the handler; raising rejects the event."""
        if self._validate is not None:
            raise RegistrationError(
                f"cannot register validate {describe(function)}: "
                f"{describe(self._validate.function)} is already registered"
            )
        self._validate = _inspect_event_function(function, "validate", check_output=False)
        return function

    def cold_start(self, function: F) -> F:
        """Register a hook that runs once per process, before the first invocation."""
        self._cold_start.append(_inspect_hook(function, "cold_start"))
        return function

    def shutdown(self, function: F) -> F:
        """Register a hook that runs when Lambda shuts the execution environment down."""
        self._shutdown.append(_inspect_hook(function, "shutdown"))
        return function

    @property
    def output_type(self) -> Any:
        """The handler's return annotation (None without a handler); `lambdaflow.testing`
        decodes a response body back into it."""
        return self._handler.output_type if self._handler is not None else None

    def plan(self) -> Plan:
        """Check the registrations as a whole and return what the loop runs."""
        handler = self._handler
        if handler is None:
            raise RegistrationError("the App has no handler: decorate a function with @app.handler")
        validate = self._validate
        if validate is not None and validate.input_type not in (handler.input_type, *codec.UNTYPED):
            raise RegistrationError(
                f"validate {describe(validate.function)} takes {validate.input_type!r} but "
                f"handler {describe(handler.function)} takes {handler.input_type!r}: "
                "both receive the same decoded event"
            )
        return Plan(
            decode=codec.decoder_for(handler.input_type),
            encode=codec.encoder_for(handler.output_type),
            validate=validate.call if validate else None,
            handle=handler.call,
            cold_start=tuple(self._cold_start),
            shutdown=tuple(self._shutdown),
            async_handler=inspect.iscoroutinefunction(handler.function),
        )


def _type_hints(function: Callable[..., Any], role: str) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function)
    except Exception as exc:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: its annotations do not resolve ({exc})"
        ) from exc


def _check_function(function: Any, role: str) -> inspect.Signature:
    if not callable(function):
        raise RegistrationError(f"@app.{role} needs a function, got {function!r}")
    if inspect.isasyncgenfunction(function):
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: an async generator returns no value"
        )
    if inspect.isgeneratorfunction(function):
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: a generator function returns no value"
        )
    return inspect.signature(function)


def _required(parameter: inspect.Parameter) -> bool:
    return parameter.default is inspect.Parameter.empty and parameter.kind not in (
        inspect.Parameter.VAR_POSITIONAL,
        inspect.Parameter.VAR_KEYWORD,
    )


def _inspect_hook(function: Callable[[], None], role: str) -> Callable[[], None]:
    signature = _check_function(function, role)
    required = [p.name for p in signature.parameters.values() if _required(p)]
    if required:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: {role} hooks take no arguments, "
            f"but it requires {', '.join(required)}"
        )
    if inspect.iscoroutinefunction(function):
        from .async_loop import blocking  # asyncio is imported only by an App that needs it

        return blocking(function)
    return function


def _inspect_event_function(function: Any, role: str, *, check_output: bool) -> EventFunction:
    """Work out how to call `function(event[, context])` from its signature."""
    signature = _check_function(function, role)
    hints = _type_hints(function, role)
    positional = [
        p
        for p in signature.parameters.values()
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    if not positional:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: it must take the event as its first "
            "parameter"
        )
    event = positional[0]
    parameters = list(signature.parameters.values())
    context = next((p for p in parameters[1:] if hints.get(p.name) is Context), None)
    if context is None and len(positional) > 1 and positional[1].name not in hints:
        context = positional[1]  # `def handle(event, context)`, the classic Lambda signature
    others = [p.name for p in parameters if p is not event and p is not context and _required(p)]
    if others:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: it takes the event and optionally a "
            f"Context, but also requires {', '.join(others)}"
        )
    input_type = hints.get(event.name)
    output_type = hints.get("return")
    _check_type(function, role, input_type, f"event parameter {event.name!r}")
    # An output record's structure hook would never run, so it is not built just to check it.
    if check_output and not codec.is_record_class(output_type):
        _check_type(function, role, output_type, "return annotation")
    if context is None:
        call: EventCall = lambda value, _context: function(value)  # noqa: E731
    elif context is not parameters[1] or context.kind is inspect.Parameter.KEYWORD_ONLY:
        call = lambda value, ctx: function(value, **{context.name: ctx})  # noqa: E731
    else:
        call = function
    if inspect.iscoroutinefunction(function):
        from .async_loop import blocking_event_call

        call = blocking_event_call(call)
    return EventFunction(function, input_type, output_type, call)


def _check_type(function: Callable[..., Any], role: str, annotation: Any, what: str) -> None:
    """Refuse, at registration, a type the codec would fail on at every invocation."""
    if annotation in codec.UNTYPED or annotation is type(None):
        return
    try:  # cattrs caches the hook: decoding the event later reuses it
        codec.converter.get_structure_hook(annotation)
    except StructureHandlerNotFoundError:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: its {what} is {annotation!r}, which "
            "lambdaflow cannot convert; use an attrs class, a dataclass or a JSON type"
        ) from None
