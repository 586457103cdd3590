"""The echo contract as an awslambdaric user writes it today: a plain dict handler."""

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if not event.get("input"):
        raise ValueError("input required")
    return {"message": event["input"]}
