"""How event classes declare their fields: one decorator and one field function for all sources.

AWS's JSON keys (`messageId`, `eventSourceARN`, `detail-type`) are mapped to Python names through
field metadata that lambdaflow's codec turns into cattrs overrides, once per class, when that
class's hook is first built: nothing is built for a source that is never used.
"""

from __future__ import annotations

from typing import Any, TypeVar, dataclass_transform

import attrs

from ..codec import JSON_KEY, OMIT_IF_DEFAULT


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


@dataclass_transform(kw_only_default=True, field_specifiers=(field, attrs.field))
def event_class(cls: type[T]) -> type[T]:
    """Every event class: slotted, keyword-only (so optional fields may sit anywhere), mutable
    like the dicts and Powertools models users replace them with. Unknown JSON keys are ignored.
    """
    return attrs.define(cls, kw_only=True, weakref_slot=False)
