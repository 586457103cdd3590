"""What an annotation is made of, answered as `typing` answers it, without importing `typing`
(~2 ms of cold start) for a function whose annotations use none of its forms.

The rule: while `typing` is not in `sys.modules`, no annotation can hold one of its objects
(`Any`, `Optional[...]`, a TypeVar...): each is made of classes, `None`, builtin generics
(`list[int]`) and `X | Y` unions. Those are answered here. Any other annotation, or any
annotation once `typing` is loaded, is answered by `typing` itself, so the answers (and the
errors of annotations that do not resolve) are exactly `typing`'s.
"""

from __future__ import annotations

import sys
import types

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_NONE_TYPE = type(None)
#: Builtin annotation forms whose `__args__` are what `typing.get_args` returns. Subclasses
#: (`collections.abc.Callable[[int], str]`) are left to typing, which reshapes their arguments.
_BUILTIN_FORMS = (types.GenericAlias, types.UnionType)


def _typing() -> Any:
    import typing

    return typing


def origin(annotation: Any) -> Any:
    """`typing.get_origin(annotation)`."""
    if isinstance(annotation, types.GenericAlias):
        return annotation.__origin__
    if isinstance(annotation, types.UnionType):
        return types.UnionType
    typing = sys.modules.get("typing")
    return typing.get_origin(annotation) if typing is not None else None


def arguments(annotation: Any) -> tuple[Any, ...]:
    """`typing.get_args(annotation)`."""
    if annotation.__class__ in _BUILTIN_FORMS:
        return annotation.__args__
    if "typing" in sys.modules or isinstance(annotation, types.GenericAlias):
        return _typing().get_args(annotation)
    return ()


def is_union(annotation: Any) -> bool:
    """`X | Y`, `Union[X, Y]` or `Optional[X]`."""
    if annotation.__class__ is types.UnionType:
        return True
    typing = sys.modules.get("typing")
    return typing is not None and typing.get_origin(annotation) is typing.Union


def is_any(annotation: Any) -> bool:
    """`typing.Any` (which exists only once typing is loaded)."""
    typing = sys.modules.get("typing")
    return typing is not None and annotation is typing.Any


def any_type() -> Any:
    """`typing.Any`: what a field without an annotation (attrs' `attr.ib()`) holds."""
    return _typing().Any


def is_type_variable(annotation: Any) -> bool:
    typing = sys.modules.get("typing")
    return typing is not None and isinstance(annotation, typing.TypeVar)


def type_hints(subject: Any) -> dict[str, Any]:
    """`typing.get_type_hints(subject)` for a function or a class."""
    if "typing" not in sys.modules:
        hints = _plain_hints(subject)
        if hints is not None:
            return hints
    return _typing().get_type_hints(subject)


def _plain_hints(subject: Any) -> dict[str, Any] | None:
    """The hints when every annotation (a string evaluated in the namespaces typing would use)
    is plain; None for typing to answer (it raises what it raises for one that does not
    resolve)."""
    if getattr(subject, "__type_params__", ()) or getattr(subject, "__no_type_check__", False):
        return None  # PEP 695 parameters in scope, or hints switched off: typing's rules
    try:
        if isinstance(subject, type):
            sources = [
                (_own_annotations(base), dict(vars(base)), _module_namespace(base))
                for base in reversed(subject.__mro__)
            ]
        else:
            unwrapped = subject
            while hasattr(unwrapped, "__wrapped__"):
                unwrapped = unwrapped.__wrapped__
            namespace = getattr(unwrapped, "__globals__", {})
            sources = [(dict(subject.__annotations__), namespace, namespace)]
        hints = {}
        for annotations, globalns, localns in sources:
            for name, value in annotations.items():
                if isinstance(value, str):  # evaluated as typing's ForwardRef does
                    value = eval(value, globalns, localns)
                    if isinstance(value, str):  # quoted under `from __future__`
                        value = eval(value, globalns, localns)  # (a third string: typing's)
                value = _NONE_TYPE if value is None else value
                if not _plain(value):
                    return None
                hints[name] = value
        return hints
    except Exception:  # typing will raise its own error for it
        return None


def _own_annotations(cls: type) -> dict[str, Any]:
    """The class's own annotations (not its bases'), on every Python from 3.11 to 3.14."""
    import inspect  # loaded already: dataclasses imports it, and so does registration

    return inspect.get_annotations(cls)


def _module_namespace(cls: type) -> dict[str, Any]:
    module = sys.modules.get(cls.__module__)
    return getattr(module, "__dict__", {})


def _plain(annotation: Any) -> bool:
    """A class, or a builtin generic or union made only of classes."""
    if isinstance(annotation, type) and annotation.__class__ is not types.GenericAlias:
        return True
    if annotation.__class__ in _BUILTIN_FORMS and not getattr(annotation, "__unpacked__", False):
        return all(_plain(argument) for argument in annotation.__args__)
    return False
