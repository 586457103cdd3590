"""Generated structure functions for typed classes: the hot path of decoding a typed event.

cattrs' generated functions call a hook per field and, with detailed validation, wrap each one in
try/except to collect every error. On a valid event (nearly all of them) that costs more than the
work itself. The functions built here check str/int/bool fields inline, call a hook only for
nested types, and stop at the first problem; codec then asks its detailed converter, built only
when first needed, to name every bad field. Both accept exactly the same values.

Lists and str-keyed dicts of JSON scalars (headers, tags) are checked and kept, not copied: the
decoded event owns them.

Neither attrs nor cattrs is imported here: the hooks of nested types come from the caller (cattrs'
converter, or `codec`'s resolver that covers the common types without it), and attrs is only
used on an attrs class, whose module has loaded it already.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Mapping

from . import type_forms
from .scalars import is_attrs_class

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    #: Resolves a nested type to its structure hook `(value, type) -> value`.
    HookFor = Callable[[Any], Callable[[Any, Any], Any]]
    #: Structures a value of any type: what a list or dict field gets when it is not one.
    Structure = Callable[[Any, Any], Any]
    #: Unstructures a nested type: `hook_for`'s counterpart for `make_unstructure_fn`.
    UnstructureFor = Callable[[Any], Callable[[Any], Any]]

#: Types whose check is written into the generated code: the codec's strict JSON scalars.
_INLINE = {str: "str", int: "int", bool: "bool"}
_counter = itertools.count()


class Invalid(Exception):
    """The fast path gave up; the detailed converter says why."""


class _Required:
    """The default of a field without one."""


REQUIRED = _Required()


def _attrs() -> Any:
    """attrs, for an attrs class: its module imported it already."""
    import attrs

    return attrs


def field_metadata(cls: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """(name, metadata) of each field of a typed class (or of a generic alias of one)."""
    base = type_forms.origin(cls) or cls
    if is_attrs_class(base):
        return [(field.name, field.metadata) for field in _attrs().fields(base)]
    dataclasses = sys.modules["dataclasses"]  # a dataclass exists: its module is loaded
    return [(field.name, field.metadata) for field in dataclasses.fields(base)]


def _optional_of(annotation: Any) -> Any:
    """`T` for `T | None` (and Optional[T]), else None."""
    if not type_forms.is_union(annotation):
        return None
    members = type_forms.arguments(annotation)
    args = [arg for arg in members if arg is not type(None)]
    has_none = len(args) < len(members)
    return args[0] if has_none and len(args) == 1 else None


def _has_type_variables(annotation: Any) -> bool:
    if type_forms.is_type_variable(annotation):
        return True
    return any(_has_type_variables(arg) for arg in type_forms.arguments(annotation))


class _Field:
    """One init field of a typed class (a plain class: an attrs one costs ~2 ms to import)."""

    __slots__ = ("default", "factory", "init_name", "name", "type")

    def __init__(self, name: str, init_name: str, type: Any, default: Any, factory: bool) -> None:
        self.name = name
        self.init_name = init_name
        self.type = type
        self.default = default  # REQUIRED when required
        self.factory = factory


def _fields(cls: type) -> list[_Field] | None:
    """The init fields with resolved types, or None when cattrs must handle the class."""
    if is_attrs_class(cls):
        attrs = _attrs()
        attrs.resolve_types(cls)
        if any(not field.init for field in attrs.fields(cls)):
            return None
        return [
            _Field(
                field.name,
                field.alias,
                field.type if field.type is not None else type_forms.any_type(),
                REQUIRED if field.default is attrs.NOTHING else field.default,
                isinstance(field.default, attrs.Factory),  # type: ignore[arg-type]
            )
            for field in attrs.fields(cls)
        ]
    dataclasses = sys.modules["dataclasses"]
    hints = type_forms.type_hints(cls)
    result = []
    for field in dataclasses.fields(cls):
        if not field.init:
            return None
        if field.default_factory is not dataclasses.MISSING:
            default, factory = field.default_factory, True
        elif field.default is not dataclasses.MISSING:
            default, factory = field.default, False
        else:
            default, factory = REQUIRED, False
        result.append(_Field(field.name, field.name, hints[field.name], default, factory))
    return result


def _assigns_only(cls: type) -> bool:
    """Whether the class's __init__ only stores its arguments, so setting slots directly (a
    third of the cost of a keyword call) builds the same object: attrs' own __init__, with no
    validators, converters, pre/post-init hooks, frozen or on_setattr behaviour."""
    if not is_attrs_class(cls) or cls.__setattr__ is not object.__setattr__:
        return False
    attrs = _attrs()
    if hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
        return False
    init = getattr(cls.__init__, "__code__", None)
    if init is None or not init.co_filename.startswith("<attrs generated"):
        return False
    return all(
        field.validator is None
        and field.converter is None
        and not (isinstance(field.default, attrs.Factory) and field.default.takes_self)
        for field in attrs.fields(cls)
    )


def _convert(
    var: str, target: Any, suffix: str, hook_for: HookFor, structure: Structure,
    namespace: dict[str, Any],
) -> list[str]:
    """Lines that check and convert `var` to `target`: lists and str-keyed dicts of JSON values
    inline, anything else (and a list or dict of something other than JSON) through its hook."""
    origin, args = type_forms.origin(target), type_forms.arguments(target)
    inlined = (origin is list and len(args) == 1) or (
        origin is dict and len(args) == 2 and args[0] is str
    )
    # A list or dict arrives as one from JSON: its own hook is looked up only if it does not.
    namespace[f"h{suffix}"] = structure if inlined else hook_for(target)
    namespace[f"t{suffix}"] = target
    fallback = [f"    {var} = h{suffix}({var}, t{suffix})"]
    if inlined and origin is list:
        (item,) = args
        if item in _INLINE:
            body = [f"    for x in {var}:", f"        if x.__class__ is not {_INLINE[item]}:"]
            body.append("            raise Invalid")
        elif type_forms.is_any(item):
            body = ["    pass"]
        else:
            namespace[f"i{suffix}"] = hook_for(item)
            namespace[f"u{suffix}"] = item
            body = [f"    {var} = [i{suffix}(x, u{suffix}) for x in {var}]"]
        return [f"if {var}.__class__ is list:", *body, "else:", *fallback]
    if inlined:  # a dict with str keys
        item = args[1]
        if item in _INLINE:
            body = [f"    for k, x in {var}.items():"]
            body.append(f"        if k.__class__ is not str or x.__class__ is not {_INLINE[item]}:")
            body.append("            raise Invalid")
        else:
            body = [f"    for k in {var}:", "        if k.__class__ is not str: raise Invalid"]
            if not type_forms.is_any(item):
                namespace[f"i{suffix}"] = hook_for(item)
                namespace[f"u{suffix}"] = item
                body.append(f"    {var} = {{k: i{suffix}(x, u{suffix}) for k, x in {var}.items()}}")
        return [f"if {var}.__class__ is dict:", *body, "else:", *fallback]
    return [fallback[0].strip()]


def make_structure_fn(
    cls: type, hook_for: HookFor, structure: Structure, keys: dict[str, str]
) -> Callable[[Any, Any], Any] | None:
    """A function `(value, type) -> cls instance` for a plain attrs class or dataclass.

    Nested types' hooks come from `hook_for` (whose exceptions propagate), a list or dict field
    that is not one goes to `structure`. `keys` maps field names to their JSON keys where they
    differ. None when the class needs what only cattrs' own generator does (generic classes,
    init=False fields).
    """
    if getattr(cls, "__parameters__", ()):
        return None
    fields = _fields(cls)
    if fields is None or any(_has_type_variables(field.type) for field in fields):
        return None  # a subclass of `Generic[T][X]`: cattrs maps T to X
    namespace: dict[str, Any] = {"Invalid": Invalid, "cls": cls}
    lines = ["def structure(o, _=None):", "    if o.__class__ is not dict: raise Invalid"]
    direct = _assigns_only(cls)
    later: list[str] = []  # fields with a factory default: passed only when present
    arguments = []
    assignments = []
    for index, field in enumerate(fields):
        key = keys.get(field.name, field.name)
        var = f"v{index}"
        if field.factory:
            lines.append(f"    if {key!r} in o:")
            lines.append(f"        {var} = o[{key!r}]")
            indent, guard = "        ", ""
        elif field.default is not REQUIRED:
            namespace[f"d{index}"] = field.default
            lines.append(f"    {var} = o.get({key!r}, d{index})")
            indent, guard = "    ", f"{var} is not d{index} and "
        else:
            lines.append(f"    {var} = o[{key!r}]")
            indent, guard = "    ", ""
        inner = _optional_of(field.type)
        target = inner if inner is not None else field.type
        none_ok = f"{var} is not None and " if inner is not None else ""
        if type_forms.is_any(target):
            pass
        elif target in _INLINE:
            check = f"{var}.__class__ is not {_INLINE[target]}"
            lines.append(f"{indent}if {guard}{none_ok}{check}: raise Invalid")
        else:
            condition = f"{guard}{none_ok}".removesuffix(" and ")
            if condition:
                lines.append(f"{indent}if {condition}:")
                indent += "    "
            block = _convert(var, target, f"{index}", hook_for, structure, namespace)
            lines.extend(indent + line for line in block)
        if direct and field.factory:
            namespace[f"f{index}"] = field.default.factory
            assignments.append(f"    obj.{field.name} = {var} if {key!r} in o else f{index}()")
        elif direct:
            assignments.append(f"    obj.{field.name} = {var}")
        elif field.factory:
            later.append(f"    if {key!r} in o: extra[{field.init_name!r}] = {var}")
        else:
            arguments.append(f"{field.init_name}={var}")
    if direct:
        namespace["new"] = object.__new__
        lines += ["    obj = new(cls)", *assignments, "    return obj"]
    else:
        if later:
            lines.append("    extra = {}")
            lines.extend(later)
            arguments.append("**extra")
        lines.append(f"    return cls({', '.join(arguments)})")
    filename = f"<lambdaflow structure {cls.__module__}.{cls.__qualname__} #{next(_counter)}>"
    exec(compile("\n".join(lines), filename, "exec"), namespace)
    return namespace["structure"]


#: Field types whose values cattrs' unstructure hooks pass through as they are.
_AS_IS = frozenset((str, int, float, bool))


def make_unstructure_fn(
    cls: type, unstructure_for: UnstructureFor, keys: dict[str, str]
) -> Callable[[Any], dict[str, Any]] | None:
    """A function `cls instance -> dict`, the dict cattrs' own generated function makes, for a
    plain attrs class or dataclass whose fields are JSON scalars (optional or not) or types
    `unstructure_for` serves (whose exceptions propagate). None when cattrs must build it."""
    if getattr(cls, "__parameters__", ()):
        return None
    fields = _fields(cls)
    if fields is None or any(_has_type_variables(field.type) for field in fields):
        return None
    namespace: dict[str, Any] = {}
    items = []
    for index, field in enumerate(fields):
        target = _optional_of(field.type) or field.type
        value = f"o.{field.name}"
        if target not in _AS_IS:
            if target is not field.type:  # optional: cattrs dispatches on the value's class
                return None
            namespace[f"u{index}"] = unstructure_for(target)
            value = f"u{index}({value})"
        items.append(f"{keys.get(field.name, field.name)!r}: {value}")
    lines = ["def unstructure(o):", f"    return {{{', '.join(items)}}}"]
    filename = f"<lambdaflow unstructure {cls.__module__}.{cls.__qualname__} #{next(_counter)}>"
    exec(compile("\n".join(lines), filename, "exec"), namespace)
    return namespace["unstructure"]
