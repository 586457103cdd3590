"""A route function's parameters, read once at registration: where each value comes from (path,
query, header, cookie, body, the Request, the Context) and how its text becomes its type.

At a request, `bind` only runs the readers built here and gathers every problem, so a 400 names
each bad field at once: `path.order_id: expected integer`, `body.items[0].qty: ...`.
"""

from __future__ import annotations

import enum
import inspect
import math
import types
import typing
from collections.abc import Callable
from typing import Any

from ..errors import RegistrationError, UnmarshalError
from ..framework import codec
from ..framework.context import Context
from .request import Request
from .response import HTTPError

_MISSING: Any = inspect.Parameter.empty
_TRUE = frozenset(("true", "1", "yes", "on"))
_FALSE = frozenset(("false", "0", "no", "off"))


class Source:
    """Where a parameter's value comes from; use in `Annotated[int, Query(alias="page-size")]`."""

    kind = ""

    def __init__(self, alias: str | None = None, description: str | None = None) -> None:
        self.alias = alias
        self.description = description


class Query(Source):
    kind = "query"


class Header(Source):
    kind = "header"


class Cookie(Source):
    kind = "cookie"


class Body(Source):
    kind = "body"


class Problem(Exception):
    """One bad field: where, and what is wrong (never the value itself)."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem


class Param:
    """One parameter of a route function, and the reader of its value from a Request."""

    __slots__ = ("annotation", "default", "key", "kind", "many", "name", "read", "source")

    def __init__(self, name: str, kind: str, key: str, annotation: Any, default: Any,
                 many: bool = False, source: Source | None = None) -> None:
        self.name = name
        self.kind = kind
        self.key = key
        self.annotation = annotation
        self.default = default
        self.many = many
        self.source = source
        self.read: Callable[[Request], Any] = _reader(self)

    @property
    def required(self) -> bool:
        return self.default is _MISSING

    @property
    def field(self) -> str:
        return self.kind if self.kind == "body" else f"{self.kind}.{self.key}"


def bind(params: tuple[Param, ...], request: Request) -> dict[str, Any]:
    """The route function's arguments; HTTPError 400 naming every bad field."""
    arguments = {}
    problems: list[Problem] = []
    for param in params:
        try:
            arguments[param.name] = param.read(request)
        except Problem as problem:
            problems.append(problem)
        except _Problems as many:
            problems.extend(many.problems)
    if problems:
        raise HTTPError(
            400, "Invalid request",
            errors=[{"field": p.field, "problem": p.problem} for p in problems],
        )
    return arguments


class _Problems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


#: Annotation text -> its compiled code: routes repeat a few texts ("int", "Request"), and
#: typing.get_type_hints would compile each one again for every route (cold start).
_ANNOTATION_CODE: dict[str, Any] = {}


def type_hints(function: Callable[..., Any], where: str) -> dict[str, Any]:
    """The function's resolved annotations (Annotated kept); RegistrationError if they fail."""
    try:
        annotations = getattr(function, "__annotations__", None)
        globalns = getattr(function, "__globals__", None)
        if not annotations or globalns is None or not all(
            value.__class__ is str for value in annotations.values()
        ):
            return typing.get_type_hints(function, include_extras=True)
        hints = {}
        for name, text in annotations.items():  # `from __future__ import annotations`
            code = _ANNOTATION_CODE.get(text)
            if code is None:
                code = _ANNOTATION_CODE[text] = compile(text, "<annotation>", "eval")
            value = eval(code, globalns)  # what get_type_hints does, compiled once per text
            hints[name] = type(None) if value is None else value
        return hints
    except Exception as exc:
        raise RegistrationError(f"cannot register {where}: its annotations do not resolve "
                                f"({exc})") from exc


def route_params(function: Callable[..., Any], path_names: tuple[str, ...], where: str,
                 hints: dict[str, Any]) -> tuple[Param, ...]:
    """Every parameter of `function`, placed and typed; RegistrationError on what cannot be."""
    params = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        params.append(_param(parameter, hints.get(parameter.name, _MISSING), path_names, where))
    missing = set(path_names) - {p.name for p in params if p.kind == "path"}
    if missing:
        raise RegistrationError(f"cannot register {where}: the path names "
                                f"{', '.join(sorted(missing))} but the function takes no such "
                                "parameter")
    if sum(p.kind == "body" for p in params) > 1:
        raise RegistrationError(f"cannot register {where}: more than one parameter is the body")
    return tuple(params)


def _param(parameter: inspect.Parameter, hint: Any, path_names: tuple[str, ...], where: str
           ) -> Param:
    name = parameter.name
    default = parameter.default
    source: Source | None = None
    if typing.get_origin(hint) is typing.Annotated:
        hint, *extras = typing.get_args(hint)
        source = next((e for e in extras if isinstance(e, Source)), None)
    if hint is Request:
        return Param(name, "request", name, hint, default)
    if hint is Context:
        return Param(name, "context", name, hint, default)
    annotation = Any if hint is _MISSING else hint
    inner, optional = _unwrap_optional(annotation)
    if optional and default is _MISSING:
        default = None
    if name in path_names and source is None:
        return Param(name, "path", name, inner, default)
    kind = source.kind if source is not None else ("body" if _is_body(inner) else "query")
    if kind == "body":
        return Param(name, "body", "body", inner, default, source=source)
    many = typing.get_origin(inner) in (list, tuple, set, frozenset)
    if many:
        (inner,) = typing.get_args(inner)[:1] or (str,)
    key = source.alias if source is not None and source.alias else name
    if kind == "header" and not (source and source.alias):
        key = name.replace("_", "-")
    try:
        _convert(inner)
    except TypeError as exc:
        raise RegistrationError(f"cannot register {where}: parameter {name!r} is {kind} "
                                f"{annotation!r}, {exc}") from None
    return Param(name, kind, key.lower() if kind == "header" else key, inner, default, many,
                 source)


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _is_body(annotation: Any) -> bool:
    if annotation is bytes or codec.is_typed_class(annotation):
        return True
    origin = typing.get_origin(annotation) or annotation
    if origin is dict:
        return True
    if origin is list:
        (item,) = typing.get_args(annotation)[:1] or (Any,)
        return codec.is_typed_class(item) or item in (dict, Any)
    return False


def _reader(param: Param) -> Callable[[Request], Any]:
    kind = param.kind
    if kind == "request":
        return lambda request: request
    if kind == "context":
        return lambda request: request.context
    if kind == "body":
        return _body_reader(param)
    convert = _convert(param.annotation)
    key, field, default = param.key, param.field, param.default

    def one(text: str) -> Any:
        try:
            return convert(text)
        except (ValueError, TypeError) as exc:
            raise Problem(field, str(exc) or "invalid value") from None

    def absent() -> Any:
        if default is _MISSING:
            raise Problem(field, "missing required parameter")
        return default

    if kind == "path":
        return lambda request: one(request.path_params[key])
    if kind == "query":
        if param.many:
            def read_many(request: Request) -> Any:
                values = [one(v) for k, v in request.query_items if k == key]
                return values if values else absent()
            return read_many

        def read_query(request: Request) -> Any:
            for name, value in request.query_items:
                if name == key:
                    return one(value)
            return absent()
        return read_query
    if kind == "header":
        def read_header(request: Request) -> Any:
            value = request.headers.get(key)
            if value is None:
                return absent()
            return [one(v.strip()) for v in value.split(",")] if param.many else one(value)
        return read_header

    def read_cookie(request: Request) -> Any:
        value = request.cookies.get(key)
        return absent() if value is None else one(value)
    return read_cookie


def _body_reader(param: Param) -> Callable[[Request], Any]:
    annotation, default = param.annotation, param.default
    if annotation is bytes:
        return lambda request: request.body
    untyped = codec.is_untyped(annotation)
    structure = None if untyped else codec.converter.get_structure_hook(annotation)

    def read_body(request: Request) -> Any:
        raw = request.body
        if not raw:
            if default is _MISSING:
                raise Problem("body", "missing required body")
            return default
        try:
            value = codec.decode_json(raw)
        except UnmarshalError:
            raise Problem("body", "not valid JSON") from None
        if structure is None:
            return value
        try:
            return structure(value, annotation)
        except Exception:
            problems = codec.field_problems(value, annotation)
            raise _Problems([
                Problem(f"body.{path}" if path else "body", message)
                for path, message in problems
            ]) from None

    return read_body


def _convert(annotation: Any) -> Callable[[str], Any]:
    """The function that turns a path/query/header text into `annotation` (TypeError if none)."""
    if annotation in (str, Any):
        return str
    if annotation is bool:
        return _to_bool
    if annotation is int:
        return _to_int
    if annotation is float:
        return _to_float
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum_converter(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return _literal_converter(typing.get_args(annotation))
    if isinstance(annotation, type) and hasattr(annotation, "fromisoformat"):
        parse = annotation.fromisoformat  # date, datetime, time

        def iso(text: str) -> Any:
            try:
                return parse(text)
            except ValueError:
                raise ValueError(f"expected ISO 8601 {annotation.__name__}") from None
        return iso
    if getattr(annotation, "__module__", None) == "uuid" and annotation.__name__ == "UUID":
        def to_uuid(text: str) -> Any:
            try:
                return annotation(text)
            except ValueError:
                raise ValueError("expected a UUID") from None
        return to_uuid
    raise TypeError("which a path, query, header or cookie text cannot become")


def _to_int(text: str) -> int:
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not (digits.isascii() and digits.isdigit()) or len(text) > 40:  # "²" is a digit too
        raise ValueError("expected integer")
    return int(text)


def _to_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("expected number") from None
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


def _to_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected boolean")


def _enum_converter(cls: type[enum.Enum]) -> Callable[[str], Any]:
    by_text = {str(member.value): member for member in cls}
    expected = "expected one of " + ", ".join(repr(k) for k in by_text)

    def to_member(text: str) -> Any:
        member = by_text.get(text)
        if member is None:
            raise ValueError(expected)
        return member
    return to_member


def _literal_converter(values: tuple[Any, ...]) -> Callable[[str], Any]:
    by_text = {str(value): value for value in values}
    expected = "expected one of " + ", ".join(repr(k) for k in by_text)

    def to_value(text: str) -> Any:
        if text not in by_text:
            raise ValueError(expected)
        return by_text[text]
    return to_value
