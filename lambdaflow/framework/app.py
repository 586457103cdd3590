"""App: the registration decorators, and the signature inspection behind them.

Like Flask's decorators, each one records the function and returns it unchanged, so user code
stays plain, testable Python. Everything the loop needs to know about a function (its input type,
whether it wants the Context, how to decode its event) is worked out here, once, at registration.
"""

from __future__ import annotations

import collections.abc
import sys
import types
from collections.abc import Callable

from ..errors import RegistrationError
from . import codec, type_forms
from .context import Context
from .plan import Plan

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    from .plan import EventCall, StreamOpener

    F = TypeVar("F", bound=Callable[..., Any])
#: Return annotations that make a handler stream (with `Iterator[bytes]` and the like).
_STREAMED_ORIGINS = (collections.abc.Iterator, collections.abc.Iterable, collections.abc.Generator)
#: The same for an async generator handler (`AsyncIterator[bytes]` and the like).
_ASYNC_STREAMED_ORIGINS = (
    collections.abc.AsyncIterator, collections.abc.AsyncIterable, collections.abc.AsyncGenerator
)
_CHUNK_TYPES = frozenset((bytes, str))
#: A parameter's kind, numbered as `inspect.Parameter.kind` numbers them.
POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD, VAR_POSITIONAL, KEYWORD_ONLY, VAR_KEYWORD = range(5)
#: The code flags `inspect` reads (its CO_* constants).
_CO_VARARGS, _CO_VARKEYWORDS = 0x04, 0x08
_CO_GENERATOR, _CO_COROUTINE, _CO_ASYNC_GENERATOR = 0x20, 0x80, 0x200


def describe(function: Callable[..., Any]) -> str:
    """`module.qualname`, the name every registration error uses for a function."""
    module = getattr(function, "__module__", None) or "?"
    return f"{module}.{getattr(function, '__qualname__', repr(function))}"


class Parameter:
    """One parameter, as `inspect.Parameter` gives it: what registration reads of it."""

    __slots__ = ("kind", "name", "required")

    def __init__(self, name: str, kind: int, required: bool) -> None:
        self.name = name
        self.kind = kind
        #: No default, and not *args or **kwargs: a caller must pass it.
        self.required = required


class Shape:
    """A function's parameters (as `inspect.signature` lists them) and whether it is a
    coroutine, generator or async generator function (as inspect's `is...function` say).

    `inspect` costs ~5 ms of cold start, which a function whose module loaded none of
    dataclasses, attrs or typing has not paid. While it is not loaded, a plain function (no
    `__wrapped__` or `__signature__` for inspect to follow) is read from its code object:
    nothing can have marked it a coroutine function (`inspect.markcoroutinefunction`). Any
    other callable, or any once inspect is loaded, is inspect's to answer.
    """

    __slots__ = ("async_generator", "coroutine", "generator", "parameters")

    def __init__(self, function: Callable[..., Any]) -> None:
        plain = type(function) is types.FunctionType and not (
            hasattr(function, "__wrapped__") or hasattr(function, "__signature__")
        )
        if plain and "inspect" not in sys.modules:
            self._read_code(function)
        else:
            self._ask_inspect(function)

    def _read_code(self, function: types.FunctionType) -> None:
        code = function.__code__
        flags, names = code.co_flags, code.co_varnames
        positional, keyword_only = code.co_argcount, code.co_kwonlyargcount
        first_default = positional - len(function.__defaults__ or ())
        keyword_defaults = function.__kwdefaults__ or {}
        parameters = [
            Parameter(name, POSITIONAL_ONLY if index < code.co_posonlyargcount
                      else POSITIONAL_OR_KEYWORD, index < first_default)
            for index, name in enumerate(names[:positional])
        ]
        after = positional + keyword_only  # co_varnames: positional, keyword-only, *, **
        if flags & _CO_VARARGS:
            parameters.append(Parameter(names[after], VAR_POSITIONAL, False))
            after += 1
        parameters += [Parameter(name, KEYWORD_ONLY, name not in keyword_defaults)
                       for name in names[positional:positional + keyword_only]]
        if flags & _CO_VARKEYWORDS:
            parameters.append(Parameter(names[after], VAR_KEYWORD, False))
        self.parameters = parameters
        self.coroutine = bool(flags & _CO_COROUTINE)
        self.generator = bool(flags & _CO_GENERATOR)
        self.async_generator = bool(flags & _CO_ASYNC_GENERATOR)

    def _ask_inspect(self, function: Callable[..., Any]) -> None:
        import inspect

        self.coroutine = inspect.iscoroutinefunction(function)
        self.generator = inspect.isgeneratorfunction(function)
        self.async_generator = inspect.isasyncgenfunction(function)
        self.parameters = [
            Parameter(p.name, int(p.kind), p.default is p.empty and p.kind not in (
                p.VAR_POSITIONAL, p.VAR_KEYWORD))
            for p in inspect.signature(function).parameters.values()
        ]


class EventFunction:
    """A validate or handler function, with what its signature says about how to call it.

    A plain slots class (as Plan is): a NamedTuple costs ~0.25 ms of cold start each.
    """

    __slots__ = ("asynchronous", "call", "function", "input_type", "output_type", "stream")

    def __init__(
        self,
        function: Callable[..., Any],
        input_type: Any,
        output_type: Any,
        call: EventCall,
        stream: StreamOpener | None = None,
        asynchronous: bool = False,
    ) -> None:
        self.function = function
        self.input_type = input_type
        self.output_type = output_type
        self.call = call
        #: How a result is streamed; None for a handler whose answers are always buffered.
        self.stream = stream
        #: A coroutine or async generator function: served on the process's asyncio loop.
        self.asynchronous = asynchronous


def _setupmethod(register: F) -> F:
    """Refuse a registration once the App's plan is built (as Flask's `setupmethod` does): the
    loop runs the plan, so a function registered later would silently never run."""
    role = register.__name__

    def guarded(self: App, function: Any) -> Any:
        if self._planned:
            raise RegistrationError(
                f"cannot register {role} {describe(function)}: the App's plan is already built "
                "(the runtime or a test client is serving it); register every function at "
                "import time"
            )
        return register(self, function)

    guarded.__name__ = role
    guarded.__qualname__ = register.__qualname__
    guarded.__doc__ = register.__doc__
    return guarded  # type: ignore[return-value]


class App:
    """The registry of one function: handler, validate, and the lifecycle hooks (cold_start,
    shutdown, and SnapStart's before_snapshot and after_restore)."""

    def __init__(self) -> None:
        #: Set by `plan()`: registration is closed from then on.
        self._planned = False
        self._handler: EventFunction | None = None
        self._validate: EventFunction | None = None
        self._cold_start: list[Callable[[], None]] = []
        self._shutdown: list[Callable[[], None]] = []
        self._before_snapshot: list[Callable[[], None]] = []
        self._after_restore: list[Callable[[], None]] = []

    @_setupmethod
    def handler(self, function: F) -> F:
        """Register the function that serves each invocation (exactly one per App).

        An object with `__lambdaflow_register__` (a `lambdaflow.http` Router or ASGI bridge)
        registers its own handler and hooks on this App instead."""
        register = getattr(type(function), "__lambdaflow_register__", None)
        if register is not None:
            register(function, self)
            return function
        if self._handler is not None:
            raise RegistrationError(
                f"cannot register handler {describe(function)}: {describe(self._handler.function)}"
                " is already the handler, and an App has exactly one"
            )
        self._handler = _inspect_event_function(function, "handler", check_output=True)
        return function

    @_setupmethod
    def validate(self, function: F) -> F:
        """Register a check that runs before the handler; raising rejects the event."""
        if self._validate is not None:
            raise RegistrationError(
                f"cannot register validate {describe(function)}: "
                f"{describe(self._validate.function)} is already registered"
            )
        self._validate = _inspect_event_function(function, "validate", check_output=False)
        return function

    @_setupmethod
    def cold_start(self, function: F) -> F:
        """Register a hook that runs once per process, before the first invocation."""
        self._cold_start.append(_inspect_hook(function, "cold_start"))
        return function

    @_setupmethod
    def shutdown(self, function: F) -> F:
        """Register a hook that runs when Lambda shuts the execution environment down."""
        self._shutdown.append(_inspect_hook(function, "shutdown"))
        return function

    @_setupmethod
    def before_snapshot(self, function: F) -> F:
        """Register a SnapStart hook that runs once init is done, before Lambda snapshots the
        environment (last registered first): close connections, drop what must not be shared
        by every environment restored from the snapshot. A failure is an init error."""
        self._before_snapshot.append(_inspect_hook(function, "before_snapshot"))
        return function

    @_setupmethod
    def after_restore(self, function: F) -> F:
        """Register a SnapStart hook that runs in each restored environment before its first
        invocation (in registration order): reconnect, refresh credentials, reseed. A failure
        is a restore error: Lambda discards the environment."""
        self._after_restore.append(_inspect_hook(function, "after_restore"))
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
        if (
            validate is not None
            and validate.input_type != handler.input_type
            and not codec.is_untyped(validate.input_type)
        ):
            raise RegistrationError(
                f"validate {describe(validate.function)} takes {validate.input_type!r} but "
                f"handler {describe(handler.function)} takes {handler.input_type!r}: "
                "both receive the same decoded event"
            )
        plan = Plan(
            decode=codec.decoder_for(handler.input_type),
            encode=codec.encoder_for(handler.output_type),
            validate=validate.call if validate else None,
            handler=handler.call,
            cold_start=tuple(self._cold_start),
            shutdown=tuple(self._shutdown),
            stream=handler.stream,
            before_snapshot=tuple(reversed(self._before_snapshot)),
            after_restore=tuple(self._after_restore),
            async_handler=handler.asynchronous,
        )
        self._planned = True
        return plan


def _type_hints(function: Callable[..., Any], role: str) -> dict[str, Any]:
    try:
        return type_forms.type_hints(function)
    except Exception as exc:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: its annotations do not resolve ({exc})"
        ) from exc


def _check_function(function: Any, role: str, *, may_stream: bool = False) -> Shape:
    if not callable(function):
        raise RegistrationError(f"@app.{role} needs a function, got {function!r}")
    shape = Shape(function)
    if shape.async_generator and not may_stream:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: an async generator returns no value"
        )
    if shape.generator and not may_stream:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: a generator function returns no value"
        )
    return shape


def _inspect_hook(function: Callable[[], None], role: str) -> Callable[[], None]:
    shape = _check_function(function, role)
    required = [p.name for p in shape.parameters if p.required]
    if required:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: {role} hooks take no arguments, "
            f"but it requires {', '.join(required)}"
        )
    if shape.coroutine:
        from .async_loop import blocking  # asyncio is imported only by an App that needs it

        return blocking(function)
    return function


def _inspect_event_function(function: Any, role: str, *, check_output: bool) -> EventFunction:
    """Work out how to call `function(event[, context])` from its signature."""
    shape = _check_function(function, role, may_stream=check_output)
    hints = _type_hints(function, role)
    parameters = shape.parameters
    positional = [p for p in parameters if p.kind in (POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD)]
    if not positional:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: it must take the event as its first "
            "parameter"
        )
    event = positional[0]
    context = next((p for p in parameters[1:] if hints.get(p.name) is Context), None)
    if context is None and len(positional) > 1 and _names_a_context(hints, positional[1].name):
        context = positional[1]  # `def handle(event, context)`, the classic Lambda signature
    others = [p.name for p in parameters if p is not event and p is not context and p.required]
    if others:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: it takes the event and optionally a "
            f"Context, but also requires {', '.join(others)}"
        )
    input_type = hints.get(event.name)
    output_type = hints.get("return")
    _check_type(function, role, input_type, f"event parameter {event.name!r}")
    stream = _stream_opener(function, shape, role, output_type) if check_output else None
    # An output record's structure hook would never run, so it is not built just to check it.
    if check_output and stream is None and not codec.is_typed_class(output_type):
        _check_type(function, role, output_type, "return annotation", returned=True)
    if context is None:
        call: EventCall = lambda value, _context: function(value)  # noqa: E731
    elif context is not parameters[1] or context.kind == KEYWORD_ONLY:
        call = lambda value, ctx: function(value, **{context.name: ctx})  # noqa: E731
    else:
        call = function
    if shape.coroutine:
        from .async_loop import blocking_event_call

        call = blocking_event_call(call)
    asynchronous = shape.coroutine or shape.async_generator
    return EventFunction(function, input_type, output_type, call, stream, asynchronous)


def _names_a_context(hints: dict[str, Any], name: str) -> bool:
    """Unannotated, `Any`, the standard context's type as Powertools and awslambdaric name it
    (`LambdaContext`), or the durable SDK's DurableContext (the signature seen through
    `@durable_execution`, whose wrapper takes the Lambda context and builds its own from it):
    lambdaflow's Context is the standard context."""
    if name not in hints:
        return True
    hint = hints[name]
    return (
        type_forms.is_any(hint)
        or getattr(hint, "__name__", None) == "LambdaContext"
        or getattr(hint, "__module__", "").startswith("aws_durable_execution_sdk_python")
    )


def _stream_opener(
    function: Callable[..., Any], shape: Shape, role: str, output_type: Any
) -> StreamOpener | None:
    """How the handler's results stream, decided once: always (a generator function, sync or
    async, an iterator or HttpStream annotation), when the result is a generator or an
    HttpStream (no return annotation), or never (any other annotation: the buffered path)."""
    origin = type_forms.origin(output_type) or output_type
    async_generator = shape.async_generator
    if async_generator and output_type is not None and origin not in _ASYNC_STREAMED_ORIGINS:
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: an async generator streams its "
            f"chunks, but it is annotated to return {output_type!r}; annotate it "
            "AsyncIterator[bytes] or AsyncIterator[str]"
        )
    if origin in _STREAMED_ORIGINS or origin in _ASYNC_STREAMED_ORIGINS:
        arguments = type_forms.arguments(output_type)  # none: `Iterator`, chunks of any type
        chunk = arguments[0] if arguments else None
        chunks = type_forms.arguments(chunk) if type_forms.is_union(chunk) else (chunk,)
        typed = bool(arguments) and not type_forms.is_any(chunk)
        if typed and not _CHUNK_TYPES.issuperset(chunks):
            raise RegistrationError(
                f"cannot register {role} {describe(function)}: it streams {chunk!r} chunks, but "
                "a streamed chunk is bytes or str"
            )
        return _streaming().open_stream
    streaming_module = getattr(output_type, "__module__", None) == f"{__package__}.streaming"
    if streaming_module and output_type is _streaming().HttpStream:
        return _streaming().open_stream
    if async_generator:
        return _streaming().open_stream
    if shape.generator:
        if output_type is None:
            return _streaming().open_stream
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: a generator function streams its "
            f"chunks, but it is annotated to return {output_type!r}; annotate it "
            "Iterator[bytes] or Iterator[str]"
        )
    if output_type is None or output_type is object or type_forms.is_any(output_type):
        return _streaming().open_if_streamed
    return None


def _streaming() -> Any:
    from . import streaming  # only for a handler that may stream

    return streaming


def _check_type(
    function: Callable[..., Any], role: str, annotation: Any, what: str, returned: bool = False
) -> None:
    """Refuse, at registration, a type the codec would fail on at every invocation (`-> None`
    returns JSON null; an event is no `None`)."""
    if codec.is_untyped(annotation) or (returned and annotation is type(None)):
        return
    if not codec.convertible(annotation):  # the hook is cached: decoding later reuses it
        wrapped = (
            "; it is wrapped by a decorator (Powertools' @event_parser?) that converts the "
            "event itself: annotate the event `dict`"
            if hasattr(function, "__wrapped__") else ""
        )
        raise RegistrationError(
            f"cannot register {role} {describe(function)}: its {what} is {annotation!r}, which "
            f"lambdaflow cannot convert; use an attrs class, a dataclass or a JSON type{wrapped}"
        )
