"""Functions the client's tests invoke; module-level so targets like `tests.testing.apps:broken`
load them as the runtime would."""

from __future__ import annotations

from typing import Any

import attrs

from lambdaflow import App, Context, logger, metrics
from lambdaflow.events import SQSEvent
from lambdaflow.limits import MAX_RESPONSE_BYTES


@attrs.frozen
class Order:
    order_id: str
    quantity: int


@attrs.frozen
class Receipt:
    order_id: str
    total: float


#: What the hooks of `shop` did, in order: the tests read it.
calls: list[str] = []

shop = App()


@shop.cold_start
def connect() -> None:
    calls.append("cold_start")
    logger.info("shop.connected")


@shop.validate
def check(order: Order) -> None:
    if order.quantity <= 0:
        raise ValueError(f"quantity must be positive, got {order.quantity}")


@shop.handler
def buy(order: Order, ctx: Context) -> Receipt:
    logger.info("shop.buying", order_id=order.order_id)
    metrics.add("orders", 1)
    metrics.add_dimension("channel", "web")
    if order.order_id == "explode":
        raise RuntimeError("the till is on fire")
    if order.order_id == "unencodable":
        return {"total": object()}  # type: ignore[return-value]
    if order.order_id == "huge":
        return "x" * MAX_RESPONSE_BYTES  # type: ignore[return-value]
    return Receipt(order_id=order.order_id, total=order.quantity * 2.5)


@shop.shutdown
def disconnect() -> None:
    calls.append("shutdown")


introspect = App()


@introspect.handler
def describe_context(event: Any, ctx: Context) -> dict:
    """Echo the Context back, so tests see what the handler saw."""
    client = ctx.client_context
    return {
        **{name: value for name, value in ctx.as_dict().items()
           if not name.endswith("_header")},
        "client_app_title": client.client.app_title if client and client.client else None,
        "cognito_identity_id": ctx.identity.cognito_identity_id,
        "remaining_time_in_millis": ctx.get_remaining_time_in_millis(),
        "event": event,
    }


raw = App()


@raw.handler
def reverse(event: bytes) -> bytes:
    return event[::-1]


failing_cold_start = App()


@failing_cold_start.cold_start
def no_database() -> None:
    raise ConnectionError("database unreachable")


@failing_cold_start.handler
def never(event: Any) -> None: ...


no_handler = App()

failing_shutdown = App()


@failing_shutdown.handler
def fine(event: Any) -> None: ...


@failing_shutdown.shutdown
def leaky() -> None:
    raise OSError("flush failed")


queue = App()


@queue.handler
def message_ids(event: SQSEvent) -> list[str]:
    return [record.message_id for record in event.records]
