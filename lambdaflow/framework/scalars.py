"""The codec's strict JSON scalars and typed-class tests, shared by the fast path (`codec`,
`generated`) and cattrs' converter (`converter`) without importing either attrs or cattrs.

A string field rejects a number instead of calling `str()` on it, so a caller sending the wrong
shape gets an error that names the field, not a silently coerced value.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable

from . import type_forms

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Field metadata keys a typed class may set (lambdaflow.events does): the field's key in the
#: JSON object when it is not the Python name (`messageId` for `message_id`), and whether a field
#: left at its default is left out of the JSON (AWS omits absent optional keys).
JSON_KEY = "lambdaflow.json_key"
OMIT_IF_DEFAULT = "lambdaflow.omit_if_default"

_JSON_TYPE_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


class TypeMismatch(TypeError):
    """A JSON value of the wrong kind; its message is already the one the caller sees."""


def _json_type(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def mismatch(expected: str, value: Any) -> TypeMismatch:
    return TypeMismatch(f"expected {expected}, got {_json_type(value)}")


def structure_str(value: Any, _: type) -> str:
    if value.__class__ is str:
        return value
    raise mismatch("string", value)


def structure_int(value: Any, _: type) -> int:
    if value.__class__ is int:
        return value
    raise mismatch("integer", value)


def structure_float(value: Any, _: type) -> float:
    if value.__class__ is int:
        return float(value)
    if value.__class__ is float:
        if math.isfinite(value):
            return value
        raise TypeMismatch(f"expected a finite number, got {value}")
    raise mismatch("number", value)


def structure_bool(value: Any, _: type) -> bool:
    if value.__class__ is bool:
        return value
    raise mismatch("boolean", value)


#: The scalars' structure hooks, as registered on cattrs' converters and used by the fast path.
SCALAR_HOOKS: dict[type, Callable[[Any, type], Any]] = {
    str: structure_str,
    int: structure_int,
    float: structure_float,
    bool: structure_bool,
}


def date_class(cls: Any) -> Any:
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


def is_date_class(cls: Any) -> bool:
    return date_class(cls) is not None


def date_structure_hook(cls: Any) -> Callable[[Any, type], Any]:
    base = date_class(cls)
    expected = "ISO 8601 datetime" if base.__name__ == "datetime" else "ISO 8601 date"
    return functools.partial(_structure_iso, base.fromisoformat, expected)


def date_unstructure_hook(cls: Any) -> Callable[[Any], str]:
    return date_class(cls).isoformat


def _structure_iso(parse: Callable[[str], Any], expected: str, value: Any, _: type) -> Any:
    if value.__class__ is not str:
        raise mismatch(expected, value)
    try:
        return parse(value)
    except ValueError:
        raise TypeMismatch(f"expected {expected}, got a string that is not one") from None


def is_attrs_class(cls: Any) -> bool:
    """`attrs.has(cls)` for a class, without importing attrs (a class made by attrs says so)."""
    return isinstance(cls, type) and getattr(cls, "__attrs_attrs__", None) is not None


def is_typed_class(cls: Any) -> bool:
    """attrs classes (generic ones too) and dataclasses: what the codec structures from an
    object. Neither attrs nor dataclasses is imported: their classes carry their fields."""
    if isinstance(cls, type):
        return is_attrs_class(cls) or hasattr(cls, "__dataclass_fields__")
    origin = type_forms.origin(cls)  # `EventBridgeEvent[Detail]`
    return is_attrs_class(origin)
