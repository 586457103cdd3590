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
from collections import abc
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import cattrs
import ujson
from cattrs.errors import IterableValidationError, IterableValidationNote
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


#: What a JSON array becomes for each container annotation; a JSON string or object is no
#: array, though Python can iterate it: `{"roles": "admin"}` is refused, not `list("admin")`.
_ARRAY_BUILDS: dict[Any, Callable[[Iterable[Any]], Any]] = {
    list: list,
    tuple: tuple,
    set: set,
    frozenset: frozenset,
    abc.Sequence: list,
    abc.MutableSequence: list,
    abc.Set: frozenset,
    abc.MutableSet: set,
}
#: Mapping annotations: a JSON object only.
_OBJECT_ORIGINS = frozenset({dict, abc.Mapping, abc.MutableMapping})


def _is_array_type(cls: Any) -> bool:
    return (typing.get_origin(cls) or cls) in _ARRAY_BUILDS


def _is_object_type(cls: Any) -> bool:
    return (typing.get_origin(cls) or cls) in _OBJECT_ORIGINS


def _identity(value: Any, _: Any) -> Any:
    return value


def _item_hook(converter: cattrs.Converter, item: Any) -> Callable[[Any, Any], Any]:
    return _identity if item in (Any, object) else converter.get_structure_hook(item)


def _array_hook(converter: cattrs.Converter, cls: Any) -> Callable[[Any, Any], Any]:
    """A JSON array as `cls`: list, tuple (of one type, or a fixed shape), set, frozenset."""
    build = _ARRAY_BUILDS[typing.get_origin(cls) or cls]
    args = typing.get_args(cls)
    types: tuple[Any, ...] = ()
    hooks = None
    if build is tuple and args and args[-1] is not Ellipsis:  # tuple[int, str]: that shape
        types = () if args == ((),) else args
        hooks = [_item_hook(converter, t) for t in types]
    item = Any if hooks is not None or not args else args[0]
    hook = _item_hook(converter, item)
    detailed = converter.detailed_validation

    def structure_array(value: Any, _: Any) -> Any:
        if value.__class__ is not list:
            raise _mismatch("array", value)
        if hooks is None:
            if detailed:
                return build(_collect(cls, ((i, hook, item, x) for i, x in enumerate(value))))
            return build([hook(x, item) for x in value])
        if len(value) != len(hooks):
            raise _TypeMismatch(f"expected an array of {len(hooks)} items, got {len(value)}")
        shaped = zip(range(len(value)), hooks, types, value, strict=True)
        return build(_collect(cls, shaped) if detailed else [h(x, t) for _, h, t, x in shaped])

    return structure_array


def _object_hook(converter: cattrs.Converter, cls: Any) -> Callable[[Any, Any], Any]:
    """A JSON object as a dict: its keys and values structured by their annotations."""
    key_type, value_type = typing.get_args(cls) or (Any, Any)
    key_hook, value_hook = _item_hook(converter, key_type), _item_hook(converter, value_type)
    detailed = converter.detailed_validation

    def structure_object(value: Any, _: Any) -> Any:
        if value.__class__ is not dict:
            raise _mismatch("object", value)
        if key_hook is _identity and value_hook is _identity:
            return dict(value)
        if detailed:
            keys = _collect(cls, ((k, key_hook, key_type, k) for k in value))
            values = _collect(cls, ((k, value_hook, value_type, x) for k, x in value.items()))
            return dict(zip(keys, values, strict=True))
        return {key_hook(k, key_type): value_hook(x, value_type) for k, x in value.items()}

    return structure_object


def _collect(cls: Any, items: Iterable[tuple[Any, Callable[[Any, Any], Any], Any, Any]]) -> list:
    """The detailed converter's loop over (index or key, hook, type, item): structure each
    item, note where each bad one is, and stop after MAX_PROBLEMS + 1 of them, so that an event
    of 200,000 bad items costs what one of a few does (the error says there are more)."""
    results, errors = [], []
    for index, hook, item_type, item in items:
        try:
            results.append(hook(item, item_type))
        except Exception as exc:
            note = IterableValidationNote(f"Structuring {cls} @ index {index}", index, item_type)
            exc.__notes__ = [*getattr(exc, "__notes__", []), note]
            errors.append(exc)
            if len(errors) > MAX_PROBLEMS:
                break
    if errors:
        raise IterableValidationError(f"While structuring {cls!r}", errors, cls)
    return results


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
    converter.register_structure_hook_factory(
        _is_array_type, functools.partial(_array_hook, converter)
    )
    converter.register_structure_hook_factory(
        _is_object_type, functools.partial(_object_hook, converter)
    )
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


#: The most problems an UnmarshalError names: its message is logged and goes back to the caller.
MAX_PROBLEMS = 10


def structure_problems(exc: Exception) -> list[tuple[str, str]]:
    """(field path, problem) of each bad field found: `("items[2].price", "expected number,
    ...")`. The detailed converter stops collecting a little past MAX_PROBLEMS."""
    problems = []
    for problem in cattrs.transform_error(exc, path="", format_exception=_describe):
        message, _, path = problem.rpartition(" @ ")
        problems.append((path.removeprefix("."), message))
    return problems


def describe_structure_error(exc: Exception) -> str:
    """Name the bad field paths: `items[2].price: expected number, got string; ...`, the first
    MAX_PROBLEMS of them."""
    problems = structure_problems(exc)
    lines = [f"{path}: {message}" if path else message for path, message in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append("and more problems not listed")
    return "; ".join(lines)


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
