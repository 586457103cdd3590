"""Bytes <-> typed values: ujson for the bytes, generated functions for the types.

Everything type-specific is resolved once, when a handler is registered, so an invocation only
runs a generated function. The types most functions use (attrs classes and dataclasses of JSON
scalars, lists and str-keyed dicts of them, nested such classes, optional fields, dates) are
covered here without cattrs: cattrs (`converter`) is loaded at registration only for a type
this path does not cover, and otherwise on the first event that fails to structure, to name
every bad field. `codec.converter` is that converter (loaded on first access).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import ujson

from ..errors import MarshalError, UnmarshalError
from . import generated
from .scalars import (
    JSON_KEY,
    OMIT_IF_DEFAULT,
    SCALAR_HOOKS,
    date_structure_hook,
    is_date_class,
    is_typed_class,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "JSON_KEY",
    "OMIT_IF_DEFAULT",
    "convertible",
    "decode_json",
    "decoder_for",
    "encode",
    "encoder_for",
    "is_typed_class",
    "is_untyped",
]

#: Annotations that mean "give me the decoded JSON value as it is", with typing's `Any` and
#: `Mapping` (which exist only once typing is loaded: `is_untyped`).
_UNTYPED = (None, object, dict, list)


def is_untyped(annotation: Any) -> bool:
    """Whether the function takes (or returns) the JSON value as it is: no annotation, `Any`,
    `object`, `dict`, `list` or `Mapping`."""
    if annotation in _UNTYPED:
        return True
    typing = sys.modules.get("typing")
    return typing is not None and (annotation is typing.Any or annotation is typing.Mapping)


def _cattrs() -> Any:
    """The cattrs side (`converter`): loaded on first need, never on the way to a good event
    of a type the fast path covers."""
    from . import converter

    return converter


#: What the cattrs side answers for, reached through this module on first access: `converter`
#: (tests, the test client, durable and http registration), and the explanations of a bad
#: value that HTTP 400s and durable inputs give.
_CATTRS_SIDE = frozenset(
    {"converter", "explain_structure_error", "field_problems", "MAX_PROBLEMS"}
)


def __getattr__(name: str) -> Any:
    """`codec.converter` and the error explanations: cattrs' side, loaded on first access."""
    if name in _CATTRS_SIDE:
        return getattr(_cattrs(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Uncovered(Exception):
    """Only cattrs can convert this type."""


def _keys(cls: type) -> dict[str, str]:
    """Field name -> JSON key, where a field's metadata renames it; _Uncovered when a field is
    left out at its default (cattrs' override)."""
    keys = {}
    for name, metadata in generated.field_metadata(cls):
        if metadata.get(OMIT_IF_DEFAULT):
            raise _Uncovered
        if JSON_KEY in metadata:
            keys[name] = metadata[JSON_KEY]
    return keys


_structure_hooks: dict[Any, Callable[[Any, Any], Any]] = {}
_unstructure_hooks: dict[Any, Callable[[Any], Any]] = {}
#: Classes whose hooks are being built: where one contains itself, it gets `_built_later`.
_building: set[Any] = set()


def _lazy_structure(value: Any, target: Any) -> Any:
    """A list or dict field whose value is not one: cattrs decides (it iterates any iterable)."""
    return _cattrs().converter.structure(value, target)


def _built_later(value: Any, target: Any) -> Any:
    """The hook of a class that contains itself (a tree), looked up when a value arrives: by
    then the class's own hook is built, or (a field of it only cattrs converts) cattrs' is."""
    hook = _structure_hooks.get(target)
    if hook is None:
        hook = _cattrs().converter.get_structure_hook(target)
    return hook(value, target)


def _structure_hook(target: Any) -> Callable[[Any, Any], Any]:
    """The fast path's structure hook for `target`, the same as cattrs' converter's in what it
    accepts and returns; _Uncovered for a type it leaves to cattrs."""
    hook = SCALAR_HOOKS.get(target) or _structure_hooks.get(target)
    if hook is not None:
        return hook
    if target in _building:
        return _built_later
    if is_date_class(target):
        hook = date_structure_hook(target)
    elif isinstance(target, type) and is_typed_class(target):
        _building.add(target)
        try:
            hook = generated.make_structure_fn(
                target, _structure_hook, _lazy_structure, _keys(target)
            )
        finally:
            _building.discard(target)
    if hook is None:
        raise _Uncovered
    _structure_hooks[target] = hook
    return hook


def _unstructure_hook(target: Any) -> Callable[[Any], Any]:
    """The fast path's unstructure function for a typed class, giving the dict cattrs' would;
    _Uncovered for a class it leaves to cattrs."""
    hook = _unstructure_hooks.get(target)
    if hook is not None:
        return hook
    if isinstance(target, type) and is_typed_class(target) and target not in _building:
        _building.add(target)
        try:
            hook = generated.make_unstructure_fn(target, _unstructure_hook, _keys(target))
        finally:
            _building.discard(target)
    if hook is None:
        raise _Uncovered
    _unstructure_hooks[target] = hook
    return hook


def convertible(annotation: Any) -> bool:
    """Whether events can be structured into `annotation` (asked at registration): without
    cattrs for a type the fast path covers, else cattrs says (and caches the hook)."""
    try:
        _structure_hook(annotation)
    except _Uncovered:
        return _cattrs().convertible(annotation)
    return True


def decode_json(body: bytes) -> Any:
    """Parse an event body; an empty body (as the RIE sends for no payload) is JSON null."""
    if not body:
        return None
    try:
        return ujson.loads(body)
    except Exception as exc:
        raise UnmarshalError(f"Unable to parse the event as JSON: {exc}") from exc


def decoder_for(input_type: Any) -> Callable[[bytes], Any]:
    """Build the function that turns event bytes into the handler's input type."""
    if input_type is bytes:
        return bytes
    if is_untyped(input_type):
        return decode_json
    try:
        structure = _structure_hook(input_type)
    except _Uncovered:
        structure = _cattrs().converter.get_structure_hook(input_type)

    def decode(body: bytes) -> Any:
        value = decode_json(body)
        try:
            return structure(value, input_type)
        except RecursionError as exc:  # a tree too deep for Python's stack: explaining would be too
            raise UnmarshalError(
                f"The event does not match {_cattrs().type_name(input_type)}: it is nested too "
                f"deeply to convert (Python's recursion limit, {sys.getrecursionlimit()} frames)"
            ) from exc
        except Exception as exc:
            cattrs_side = _cattrs()
            problems, cause = cattrs_side.explain_structure_error(value, input_type, exc)
            message = f"The event does not match {cattrs_side.type_name(input_type)}: {problems}"
            raise UnmarshalError(message) from cause

    return decode


def _unstructure_unknown(value: Any) -> Any:
    """ujson's fallback for what it cannot encode itself: attrs, dataclasses, enums, dates."""
    if isinstance(value, (set, frozenset)):
        return list(value)
    plain = _cattrs().converter.unstructure(value)
    if plain is value:
        raise TypeError(f"Object of type {type(value).__qualname__} is not JSON serializable")
    return plain


def encoder_for(output_type: Any) -> Callable[[Any], bytes]:
    """Build the serializer for a handler's declared result type.

    For an attrs class or dataclass the unstructure function is built now, not on the first
    invocation, and a result of exactly that class skips cattrs' type dispatch.
    """
    if not is_typed_class(output_type):
        return encode
    try:
        unstructure = _unstructure_hook(output_type)
    except _Uncovered:
        unstructure = _cattrs().converter.get_unstructure_hook(output_type)

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
