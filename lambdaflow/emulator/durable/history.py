"""History events as Lambda records them (GetDurableExecutionHistory's ``Events``).

Every event has ``EventType``, ``EventId`` (1, 2, ...) and ``EventTimestamp``; an operation's
events also carry its ``Id``, ``SubType``, ``Name`` and ``ParentId``. Details are keyed
``<EventType>Details``. Payloads sit in ``{"Payload": ...}`` wrappers (a result is a string,
an error an ``ErrorObject``), which ``without_data`` strips unless the caller asks for them.
"""

from __future__ import annotations

from typing import Any

from lambdaflow.emulator.durable.records import Execution

_DATA_KEYS = ("Input", "Result", "Error")


def record(
    execution: Execution,
    event_type: str,
    now: float,
    operation: dict[str, Any] | None = None,
    **details: Any,
) -> dict[str, Any]:
    """Append one event; ``details`` become its ``<EventType>Details`` (None values dropped)."""
    event: dict[str, Any] = {"EventType": event_type}
    if operation is not None and operation.get("SubType"):
        event["SubType"] = operation["SubType"]
    event["EventId"] = len(execution.events) + 1
    if operation is not None:
        event["Id"] = operation["Id"]
        for key in ("Name", "ParentId"):
            if operation.get(key):
                event[key] = operation[key]
    event["EventTimestamp"] = now
    event[event_type + "Details"] = {k: v for k, v in details.items() if v is not None}
    execution.events.append(event)
    return event


def result(payload: str | None) -> dict[str, Any] | None:
    """The ``Result``/``Input`` wrapper of a string payload."""
    return None if payload is None else {"Payload": payload, "Truncated": False}


def error(error_object: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ``Error`` wrapper of an ``ErrorObject``."""
    return None if error_object is None else {"Payload": error_object, "Truncated": False}


def without_data(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its payloads removed (IncludeExecutionData not set)."""
    stripped = dict(event)
    key = event["EventType"] + "Details"
    details = event.get(key)
    if details:
        stripped[key] = {
            k: ({"Truncated": v.get("Truncated", False)} if k in _DATA_KEYS else v)
            for k, v in details.items()
        }
    return stripped
