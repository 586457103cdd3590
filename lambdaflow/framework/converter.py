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
from collections import abc
from collections.abc import Callable, Iterable
from typing import Any

import cattrs
from cattrs.errors import (
    IterableValidationError,
    IterableValidationNote,
    StructureHandlerNotFoundError,
)
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

#: The most problems an UnmarshalError names: its message is logged and goes back to the caller.
MAX_PROBLEMS = 10
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
            raise mismatch("array", value)
        if hooks is None:
            if detailed:
                return build(_collect(cls, ((i, hook, item, x) for i, x in enumerate(value))))
            return build([hook(x, item) for x in value])
        if len(value) != len(hooks):
            raise TypeMismatch(f"expected an array of {len(hooks)} items, got {len(value)}")
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
            raise mismatch("object", value)
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


#: Classes whose hooks `_fast_record_hook` is generating (for `_nested_hook`).
_generating: set[Any] = set()


def _fast_record_hook(converter: cattrs.Converter, cls: Any) -> Callable[[Any, Any], Any]:
    """The hot path's hook: generated's function, or cattrs' for what that leaves."""
    overrides = _field_overrides(cls)
    if isinstance(cls, type):
        keys = {name: field.rename for name, field in overrides.items() if field.rename}
        _generating.add(cls)
        try:
            fast = generated.make_structure_fn(
                cls, functools.partial(_nested_hook, converter), converter.structure, keys
            )
        finally:
            _generating.discard(cls)
        if fast is not None:
            return fast
    return make_dict_structure_fn(_parametrized(cls), converter, **overrides)


def _nested_hook(converter: cattrs.Converter, target: Any) -> Callable[[Any, Any], Any]:
    """A field's hook; for a class whose hook is being generated (it contains itself),
    `converter.structure`, which finds that hook when a value arrives (asking for it now would
    generate it again, without end)."""
    if target in _generating:
        return converter.structure
    return converter.get_structure_hook(target)


def _build_converter(*, detailed: bool) -> cattrs.Converter:
    """The converter every hook comes from, or (`detailed`) the one that explains a failure."""
    converter = cattrs.Converter(detailed_validation=detailed)
    for cls, hook in SCALAR_HOOKS.items():
        converter.register_structure_hook(cls, hook)
    converter.register_structure_hook_factory(is_date_class, date_structure_hook)
    converter.register_structure_hook_factory(
        _is_array_type, functools.partial(_array_hook, converter)
    )
    converter.register_structure_hook_factory(
        _is_object_type, functools.partial(_object_hook, converter)
    )
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
    shown = problems[:MAX_PROBLEMS]
    lines = [f"{path}: {message}" if path else message for path, message in shown]
    if len(problems) > MAX_PROBLEMS:
        lines.append("and more problems not listed")
    return "; ".join(lines)


def field_problems(value: Any, target: Any) -> list[tuple[str, str]]:
    """Every bad field of `value` as `target` (the detailed converter), for an HTTP 400."""
    try:
        detailed_converter().structure(value, target)
    except Exception as detailed:
        return structure_problems(detailed)
    return [("", f"invalid value for {type_name(target)}")]


def explain_structure_error(value: Any, target: Any, exc: Exception) -> tuple[str, Exception]:
    """Structure `value` again with the detailed converter: every bad field, and its error."""
    try:
        detailed_converter().structure(value, target)
    except Exception as detailed:
        return describe_structure_error(detailed), detailed
    return f"invalid value for {type_name(target)}", exc  # not reached: both accept the same
