"""Generated structure functions for typed classes: the hot path of decoding a typed event.

cattrs' generated functions call a hook per field and, with detailed validation, wrap each one in
try/except to collect every error. On a valid event (nearly all of them) that costs more than the
work itself. The functions built here check str/int/bool fields inline, call a hook only for
nested types, and stop at the first problem; codec then asks its detailed converter, built only
when first needed, to name every bad field. Both accept exactly the same values.

Lists and str-keyed dicts of JSON scalars (headers, tags) are checked and kept, not copied: the
decoded event owns them.
"""

from __future__ import annotations

import dataclasses
import itertools
import types
import typing
from collections.abc import Callable
from typing import Any

import attrs
import cattrs

#: Types whose check is written into the generated code: the codec's strict JSON scalars.
_INLINE = {str: "str", int: "int", bool: "bool"}
_counter = itertools.count()


class Invalid(Exception):
    """The fast path gave up; the detailed converter says why."""


def _optional_of(annotation: Any) -> Any:
    """`T` for `T | None` (and Optional[T]), else None."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return None
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    has_none = len(args) < len(typing.get_args(annotation))
    return args[0] if has_none and len(args) == 1 else None


def _has_type_variables(annotation: Any) -> bool:
    if isinstance(annotation, typing.TypeVar):
        return True
    return any(_has_type_variables(arg) for arg in typing.get_args(annotation))


class _Field:
    """One init field of a typed class (a plain class: an attrs one costs ~2 ms to import)."""

    __slots__ = ("default", "factory", "init_name", "name", "type")

    def __init__(self, name: str, init_name: str, type: Any, default: Any, factory: bool) -> None:
        self.name = name
        self.init_name = init_name
        self.type = type
        self.default = default  # attrs.NOTHING when required
        self.factory = factory


def _fields(cls: type) -> list[_Field] | None:
    """The init fields with resolved types, or None when cattrs must handle the class."""
    if attrs.has(cls):
        attrs.resolve_types(cls)
        if any(not field.init for field in attrs.fields(cls)):
            return None
        return [
            _Field(
                field.name,
                field.alias,
                field.type if field.type is not None else Any,
                field.default,
                isinstance(field.default, attrs.Factory),  # type: ignore[arg-type]
            )
            for field in attrs.fields(cls)
        ]
    hints = typing.get_type_hints(cls)
    result = []
    for field in dataclasses.fields(cls):
        if not field.init:
            return None
        if field.default_factory is not dataclasses.MISSING:
            default, factory = field.default_factory, True
        elif field.default is not dataclasses.MISSING:
            default, factory = field.default, False
        else:
            default, factory = attrs.NOTHING, False
        result.append(_Field(field.name, field.name, hints[field.name], default, factory))
    return result


def _assigns_only(cls: type) -> bool:
    """Whether the class's __init__ only stores its arguments, so setting slots directly (a
    third of the cost of a keyword call) builds the same object: attrs' own __init__, with no
    validators, converters, pre/post-init hooks, frozen or on_setattr behaviour."""
    if not attrs.has(cls) or cls.__setattr__ is not object.__setattr__:
        return False
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
    var: str, target: Any, suffix: str, converter: cattrs.Converter, namespace: dict[str, Any]
) -> list[str]:
    """Lines that check and convert `var` to `target`: lists and str-keyed dicts of JSON values
    inline, anything else (and a list or dict of something other than JSON) through its hook."""
    origin, args = typing.get_origin(target), typing.get_args(target)
    inlined = (origin is list and len(args) == 1) or (
        origin is dict and len(args) == 2 and args[0] is str
    )
    # A list or dict arrives as one from JSON: its own hook is looked up only if it does not.
    namespace[f"h{suffix}"] = (
        converter.structure if inlined else converter.get_structure_hook(target)
    )
    namespace[f"t{suffix}"] = target
    fallback = [f"    {var} = h{suffix}({var}, t{suffix})"]
    if inlined and origin is list:
        (item,) = args
        if item in _INLINE:
            body = [f"    for x in {var}:", f"        if x.__class__ is not {_INLINE[item]}:"]
            body.append("            raise Invalid")
        elif item is Any:
            body = ["    pass"]
        else:
            namespace[f"i{suffix}"] = converter.get_structure_hook(item)
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
            if item is not Any:
                namespace[f"i{suffix}"] = converter.get_structure_hook(item)
                namespace[f"u{suffix}"] = item
                body.append(f"    {var} = {{k: i{suffix}(x, u{suffix}) for k, x in {var}.items()}}")
        return [f"if {var}.__class__ is dict:", *body, "else:", *fallback]
    return [fallback[0].strip()]


def make_structure_fn(
    cls: type, converter: cattrs.Converter, keys: dict[str, str]
) -> Callable[[Any, Any], Any] | None:
    """A function `(value, type) -> cls instance` for a plain attrs class or dataclass.

    `keys` maps field names to their JSON keys where they differ. None when the class needs what
    only cattrs' own generator does (generic classes, init=False fields).
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
        elif field.default is not attrs.NOTHING:
            namespace[f"d{index}"] = field.default
            lines.append(f"    {var} = o.get({key!r}, d{index})")
            indent, guard = "    ", f"{var} is not d{index} and "
        else:
            lines.append(f"    {var} = o[{key!r}]")
            indent, guard = "    ", ""
        inner = _optional_of(field.type)
        target = inner if inner is not None else field.type
        none_ok = f"{var} is not None and " if inner is not None else ""
        if target is Any:
            pass
        elif target in _INLINE:
            check = f"{var}.__class__ is not {_INLINE[target]}"
            lines.append(f"{indent}if {guard}{none_ok}{check}: raise Invalid")
        else:
            condition = f"{guard}{none_ok}".removesuffix(" and ")
            if condition:
                lines.append(f"{indent}if {condition}:")
                indent += "    "
            block = _convert(var, target, f"{index}", converter, namespace)
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
