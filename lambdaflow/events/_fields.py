"""How event classes declare their fields: one decorator and one field function for all sources.

AWS's JSON keys (`messageId`, `eventSourceARN`, `detail-type`) are mapped to Python names through
field metadata that lambdaflow's codec turns into cattrs overrides, once per class, when that
class's hook is first built: nothing is built for a source that is never used.
"""

from __future__ import annotations

from typing import Any, TypeVar, dataclass_transform

import attrs

from ..framework.codec import JSON_KEY, OMIT_IF_DEFAULT


def field(
    json_key: str | None = None, *, default: Any = attrs.NOTHING, emit_default: bool = False
) -> Any:
    """A field named `json_key` in AWS's JSON; with a default it may be absent from the input.

    A field left at its default is left out of the JSON again, as AWS leaves it out, unless
    `emit_default`: API Gateway v1 sends such keys with `null` rather than omitting them.
    """
    metadata: dict[str, Any] = {}
    if json_key is not None:
        metadata[JSON_KEY] = json_key
    if default is not attrs.NOTHING and not emit_default:
        metadata[OMIT_IF_DEFAULT] = True
    return attrs.field(default=default, metadata=metadata)


T = TypeVar("T")


def _repr(self: Any) -> str:
    fields = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in attrs.fields(type(self)))
    return f"{type(self).__qualname__}({fields})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return all(getattr(self, f.name) == getattr(other, f.name) for f in attrs.fields(type(self)))


@dataclass_transform(kw_only_default=True, field_specifiers=(field, attrs.field))
def event_class(cls: type[T]) -> type[T]:
    """Every event class: slotted, keyword-only (so optional fields may sit anywhere), mutable
    like the dicts and Powertools models users replace them with. Unknown JSON keys are ignored.

    attrs generates only `__init__`: compiling a `__repr__` and an `__eq__` per class too would
    double what importing a source costs, for methods that are never on the hot path.
    """
    cls = attrs.define(cls, kw_only=True, weakref_slot=False, repr=False, eq=False)
    cls.__repr__ = _repr
    cls.__eq__ = _eq
    cls.__hash__ = None  # mutable, like a dict
    return cls
