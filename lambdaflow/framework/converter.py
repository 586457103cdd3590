"""cattrs' converters: for the types the fast path leaves (`codec`), and to explain a bad event.

Loaded only when first needed: at registration for a type the fast path does not cover (enums,
literals, unions, generics, ...), or on the first event that fails to structure, whose every bad
field the detailed converter then names. A function whose types the fast path covers never
imports cattrs before its first response.
"""

from __future__ import annotations

import enum
import functools
import typing
from collections.abc import Callable, Iterable
from typing import Any

import cattrs
from cattrs.errors import StructureHandlerNotFoundError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from . import generated
from .scalars import (
    JSON_KEY,
    OMIT_IF_DEFAULT,
    SCALAR_HOOKS,
    TypeMismatch,
    date_structure_hook,
    date_unstructure_hook,
    is_date_class,
    is_typed_class,
    mismatch,
)


def _field_overrides(cls: type) -> dict[str, Any]:
    """cattrs overrides from the fields' metadata, read once when a class's hook is built."""
    return {
        name: override(rename=metadata.get(JSON_KEY),
                       omit_if_default=metadata.get(OMIT_IF_DEFAULT))
        for name, metadata in generated.field_metadata(cls)
        if JSON_KEY in metadata or OMIT_IF_DEFAULT in metadata
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
            raise mismatch("object", value)
        return structure(value, target)

    return structure_record


def _fast_record_hook(converter: cattrs.Converter, cls: Any) -> Callable[[Any, Any], Any]:
    """The hot path's hook: generated's function, or cattrs' for what that leaves."""
    overrides = _field_overrides(cls)
    if isinstance(cls, type):
        keys = {name: field.rename for name, field in overrides.items() if field.rename}
        fast = generated.make_structure_fn(
            cls, converter.get_structure_hook, converter.structure, keys
        )
        if fast is not None:
            return fast
    return make_dict_structure_fn(_parametrized(cls), converter, **overrides)


def _build_converter(*, detailed: bool) -> cattrs.Converter:
    """The converter every hook comes from, or (`detailed`) the one that explains a failure."""
    converter = cattrs.Converter(detailed_validation=detailed)
    for cls, hook in SCALAR_HOOKS.items():
        converter.register_structure_hook(cls, hook)
    converter.register_structure_hook_factory(is_date_class, date_structure_hook)
    converter.register_unstructure_hook_factory(is_date_class, date_unstructure_hook)
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
def detailed_converter() -> cattrs.Converter:
    """Built on the first bad event, never on the way to a good one."""
    return _build_converter(detailed=True)


def convertible(annotation: Any) -> bool:
    """Whether cattrs has a structure hook for `annotation` (cached: decoding reuses it)."""
    try:
        converter.get_structure_hook(annotation)
    except StructureHandlerNotFoundError:
        return False
    return True


def _describe(exc: BaseException, target: Any) -> str:
    """One error, in words a caller can act on (cattrs' own reprs are for developers).

    Never quotes the offending value: these messages are logged, and events hold user data.
    """
    if isinstance(exc, KeyError):
        return "missing required field"
    if isinstance(exc, TypeMismatch):
        return str(exc)
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return _one_of(member.value for member in target)
    if typing.get_origin(target) is typing.Literal:
        return _one_of(typing.get_args(target))
    return f"invalid value for {type_name(target)}"


def _one_of(values: Iterable[Any]) -> str:
    return "expected one of " + ", ".join(repr(value) for value in values)


def type_name(annotation: Any) -> str:
    return getattr(annotation, "__qualname__", None) or str(annotation)


def describe_structure_error(exc: Exception) -> str:
    """Name every bad field path: `items[2].price: expected number, got string; ...`."""
    problems = cattrs.transform_error(exc, path="", format_exception=_describe)
    lines = []
    for problem in problems:
        message, _, path = problem.rpartition(" @ ")
        path = path.removeprefix(".")
        lines.append(f"{path}: {message}" if path else message)
    return "; ".join(lines)


def explain_structure_error(value: Any, target: Any, exc: Exception) -> tuple[str, Exception]:
    """Structure `value` again with the detailed converter: every bad field, and its error."""
    try:
        detailed_converter().structure(value, target)
    except Exception as detailed:
        return describe_structure_error(detailed), detailed
    return f"invalid value for {type_name(target)}", exc  # not reached: both accept the same
