"""Bytes <-> typed values: ujson for the bytes, one cattrs converter for the types.

Everything type-specific (structure hooks) is resolved once, when a handler is registered, so an
invocation only runs a generated function. The converter is strict where JSON is: a string field
rejects a number instead of calling `str()` on it, so a caller sending the wrong shape gets an
error that names the field, not a silently coerced value.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
import sys
import typing
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import cattrs
import ujson
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ..errors import MarshalError, UnmarshalError
from . import generated

#: Annotations that mean "give me the decoded JSON value as it is".
UNTYPED: tuple[Any, ...] = (Any, object, dict, list, typing.Mapping, None)

_JSON_TYPE_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


class _TypeMismatch(TypeError):
    """A JSON value of the wrong kind; its message is already the one the caller sees."""


def _json_type(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _mismatch(expected: str, value: Any) -> _TypeMismatch:
    return _TypeMismatch(f"expected {expected}, got {_json_type(value)}")


def _structure_str(value: Any, _: type) -> str:
    if value.__class__ is str:
        return value
    raise _mismatch("string", value)


def _structure_int(value: Any, _: type) -> int:
    if value.__class__ is int:
        return value
    raise _mismatch("integer", value)


def _structure_float(value: Any, _: type) -> float:
    if value.__class__ is int:
        return float(value)
    if value.__class__ is float:
        if math.isfinite(value):
            return value
        raise _TypeMismatch(f"expected a finite number, got {value}")
    raise _mismatch("number", value)


def _structure_bool(value: Any, _: type) -> bool:
    if value.__class__ is bool:
        return value
    raise _mismatch("boolean", value)


def _date_class(cls: Any) -> Any:
    """`datetime.datetime` or `datetime.date` if `cls` is (a subclass of) one of them, else None.

    Found through sys.modules: an annotation or a value cannot be of a class whose module nobody
    imported, so the codec need not import `datetime` itself (~0.7 ms before a first response).
    """
    datetime = sys.modules.get("datetime")
    if datetime is None or not isinstance(cls, type):
        return None
    for base in (datetime.datetime, datetime.date):  # datetime first: it is a date too
        if issubclass(cls, base):
            return base
    return None


def _is_date_class(cls: Any) -> bool:
    return _date_class(cls) is not None


def _date_structure_hook(cls: Any) -> Callable[[Any, type], Any]:
    base = _date_class(cls)
    expected = "ISO 8601 datetime" if base.__name__ == "datetime" else "ISO 8601 date"
    return functools.partial(_structure_iso, base.fromisoformat, expected)


def _date_unstructure_hook(cls: Any) -> Callable[[Any], str]:
    return _date_class(cls).isoformat


def _structure_iso(parse: Callable[[str], Any], expected: str, value: Any, _: type) -> Any:
    if value.__class__ is not str:
        raise _mismatch(expected, value)
    try:
        return parse(value)
    except ValueError:
        raise _TypeMismatch(f"expected {expected}, got a string that is not one") from None


#: Field metadata keys a typed class may set (lambdaflow.events does): the field's key in the
#: JSON object when it is not the Python name (`messageId` for `message_id`), and whether a field
#: left at its default is left out of the JSON (AWS omits absent optional keys).
JSON_KEY = "lambdaflow.json_key"
OMIT_IF_DEFAULT = "lambdaflow.omit_if_default"


def is_typed_class(cls: Any) -> bool:
    """attrs classes (generic ones too) and dataclasses: what cattrs structures from an object."""
    if isinstance(cls, type):
        return attrs.has(cls) or dataclasses.is_dataclass(cls)
    origin = typing.get_origin(cls)  # `EventBridgeEvent[Detail]`
    return isinstance(origin, type) and attrs.has(origin)


def _field_overrides(cls: type) -> dict[str, Any]:
    """cattrs overrides from the fields' metadata, read once when a class's hook is built."""
    fields = attrs.fields(cls) if attrs.has(cls) else dataclasses.fields(cls)
    return {
        field.name: override(
            rename=field.metadata.get(JSON_KEY),
            omit_if_default=field.metadata.get(OMIT_IF_DEFAULT),
        )
        for field in fields
        if JSON_KEY in field.metadata or OMIT_IF_DEFAULT in field.metadata
    }


def _has_field_overrides(cls: Any) -> bool:
    return is_typed_class(cls) and bool(_field_overrides(cls))


def _parametrized(cls: Any) -> Any:
    """A generic typed class used bare (`EventBridgeEvent`) takes Any for its type variables."""
    parameters = getattr(cls, "__parameters__", ()) if isinstance(cls, type) else ()
    return cls[tuple(Any for _ in parameters)] if parameters else cls


def _unstructure_hook(converter: cattrs.Converter, cls: type) -> Callable[[Any], Any]:
    return make_dict_unstructure_fn(_parametrized(cls), converter, **_field_overrides(cls))


def _mapping_checked_hook(converter: cattrs.Converter, cls: type) -> Callable[[Any, type], Any]:
    """Wrap cattrs' generated hook so a non-object says so, instead of a confusing KeyError."""
    structure = make_dict_structure_fn(_parametrized(cls), converter, **_field_overrides(cls))

    def structure_record(value: Any, target: type) -> Any:
        if value.__class__ is not dict:
            raise _mismatch("object", value)
        return structure(value, target)

    return structure_record


def _fast_record_hook(converter: cattrs.Converter, cls: Any) -> Callable[[Any, Any], Any]:
    """The hot path's hook: generated's function, or cattrs' for what that leaves."""
    overrides = _field_overrides(cls)
    if isinstance(cls, type):
        keys = {name: field.rename for name, field in overrides.items() if field.rename}
        fast = generated.make_structure_fn(cls, converter, keys)
        if fast is not None:
            return fast
    return make_dict_structure_fn(_parametrized(cls), converter, **overrides)


def _build_converter(*, detailed: bool) -> cattrs.Converter:
    """The converter every hook comes from, or (`detailed`) the one that explains a failure."""
    converter = cattrs.Converter(detailed_validation=detailed)
    for cls, hook in (
        (str, _structure_str),
        (int, _structure_int),
        (float, _structure_float),
        (bool, _structure_bool),
    ):
        converter.register_structure_hook(cls, hook)
    converter.register_structure_hook_factory(_is_date_class, _date_structure_hook)
    converter.register_unstructure_hook_factory(_is_date_class, _date_unstructure_hook)
    record_hook = _mapping_checked_hook if detailed else _fast_record_hook
    converter.register_structure_hook_factory(
        is_typed_class, functools.partial(record_hook, converter)
    )
    converter.register_unstructure_hook_factory(
        _has_field_overrides, functools.partial(_unstructure_hook, converter)
    )
    return converter


#: Stops at the first problem; `explain_structure_error` says what all the problems are.
converter = _build_converter(detailed=False)


@functools.cache
def _detailed_converter() -> cattrs.Converter:
    """Built on the first bad event, never on the way to a good one."""
    return _build_converter(detailed=True)


def _describe(exc: BaseException, target: Any) -> str:
    """One error, in words a caller can act on (cattrs' own reprs are for developers).

    Never quotes the offending value: these messages are logged, and events hold user data.
    """
    if isinstance(exc, KeyError):
        return "missing required field"
    if isinstance(exc, _TypeMismatch):
        return str(exc)
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return _one_of(member.value for member in target)
    if typing.get_origin(target) is typing.Literal:
        return _one_of(typing.get_args(target))
    return f"invalid value for {_type_name(target)}"


def _one_of(values: Iterable[Any]) -> str:
    return "expected one of " + ", ".join(repr(value) for value in values)


def structure_problems(exc: Exception) -> list[tuple[str, str]]:
    """(field path, problem) of every bad field: `("items[2].price", "expected number, ...")`."""
    problems = []
    for problem in cattrs.transform_error(exc, path="", format_exception=_describe):
        message, _, path = problem.rpartition(" @ ")
        problems.append((path.removeprefix("."), message))
    return problems


def describe_structure_error(exc: Exception) -> str:
    """Name every bad field path: `items[2].price: expected number, got string; ...`."""
    return "; ".join(
        f"{path}: {message}" if path else message for path, message in structure_problems(exc)
    )


def decode_json(body: bytes) -> Any:
    """Parse an event body; an empty body (as the RIE sends for no payload) is JSON null."""
    if not body:
        return None
    try:
        return ujson.loads(body)
    except Exception as exc:
        raise UnmarshalError(f"Unable to parse the event as JSON: {exc}") from exc


def explain_structure_error(value: Any, target: Any, exc: Exception) -> tuple[str, Exception]:
    """Structure `value` again with the detailed converter: every bad field, and its error."""
    try:
        _detailed_converter().structure(value, target)
    except Exception as detailed:
        return describe_structure_error(detailed), detailed
    return f"invalid value for {_type_name(target)}", exc  # not reached: both accept the same


def field_problems(value: Any, target: Any) -> list[tuple[str, str]]:
    """Every bad field of `value` as `target` (the detailed converter), for an HTTP 400."""
    try:
        _detailed_converter().structure(value, target)
    except Exception as detailed:
        return structure_problems(detailed)
    return [("", f"invalid value for {_type_name(target)}")]


def decoder_for(input_type: Any) -> Callable[[bytes], Any]:
    """Build the function that turns event bytes into the handler's input type."""
    if input_type is bytes:
        return bytes
    if input_type in UNTYPED:
        return decode_json
    structure = converter.get_structure_hook(input_type)

    def decode(body: bytes) -> Any:
        value = decode_json(body)
        try:
            return structure(value, input_type)
        except Exception as exc:
            problems, cause = explain_structure_error(value, input_type, exc)
            message = f"The event does not match {_type_name(input_type)}: {problems}"
            raise UnmarshalError(message) from cause

    return decode


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__qualname__", None) or str(annotation)


def _unstructure_unknown(value: Any) -> Any:
    """ujson's fallback for what it cannot encode itself: attrs, dataclasses, enums, dates."""
    if isinstance(value, (set, frozenset)):
        return list(value)
    plain = converter.unstructure(value)
    if plain is value:
        raise TypeError(f"Object of type {type(value).__qualname__} is not JSON serializable")
    return plain


def encoder_for(output_type: Any) -> Callable[[Any], bytes]:
    """Build the serializer for a handler's declared result type.

    For an attrs class or dataclass the unstructure hook is generated now, not on the first
    invocation, and a result of exactly that class skips cattrs' type dispatch.
    """
    if not is_typed_class(output_type):
        return encode
    unstructure = converter.get_unstructure_hook(output_type)

    def encode_record(result: Any) -> bytes:
        if result.__class__ is output_type:
            try:
                result = unstructure(result)
            except Exception as exc:
                raise _marshal_error(exc) from exc
        return encode(result)

    return encode_record


def encode(result: Any) -> bytes:
    """Serialize a handler's result: bytes go out as they are, anything else as JSON."""
    if result.__class__ is bytes:
        return result
    try:
        return ujson.dumps(
            result,
            ensure_ascii=False,
            escape_forward_slashes=False,
            allow_nan=False,
            default=_unstructure_unknown,
        ).encode()
    except Exception as exc:
        raise _marshal_error(exc) from exc


def _marshal_error(exc: Exception) -> MarshalError:
    return MarshalError(f"Unable to marshal the response: {exc}")
