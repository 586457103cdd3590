"""Amazon EventBridge: an event matched by a rule, and the scheduled events of a rate/cron rule.

`EventBridgeEvent[Detail]` structures `detail` into the caller's own class; a bare
`EventBridgeEvent` leaves it the decoded JSON object.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ._fields import event_class, field

Detail = TypeVar("Detail")


@event_class
class EventBridgeEvent(Generic[Detail]):
    version: str
    id: str
    detail_type: str = field("detail-type")
    source: str
    account: str
    time: str
    region: str
    resources: list[str]
    detail: Detail
    #: Set when the event is replayed from an archive.
    replay_name: str | None = field("replay-name", default=None)


@event_class
class ScheduledEvent(EventBridgeEvent[dict[str, Any]]):
    """What a schedule rule sends: `detail_type` "Scheduled Event", source aws.events, no detail.

    `version` may be absent (SAM CLI's `generate-event cloudwatch scheduled-event` omits it).
    """

    version: str | None = field(default=None)
