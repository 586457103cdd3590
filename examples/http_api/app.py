"""A small REST API on lambdaflow's Router: typed path, query and body values, a route group,
CORS, a before middleware, a streamed route, and the OpenAPI document at /openapi.json.

One router serves API Gateway (REST and HTTP APIs), Function URLs and ALB. Try it locally:

    lambdaflow-emulator --api-port 3000 --function-url-port 3001 -- \\
        python -m lambdaflow examples.http_api.app:app
    curl -s localhost:3000/v1/orders -d '{"sku": "BK-7", "qty": 2}'
    curl -s localhost:3000/v1/orders/1
    curl -N localhost:3001/v1/orders/1/progress      # streamed through the Function URL
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import attrs

from lambdaflow import App, HttpStream
from lambdaflow.http import CORS, HTTPError, Request, Response, Router


@attrs.frozen
class NewOrder:
    sku: str
    qty: int = 1


@attrs.frozen
class Order:
    id: int
    sku: str
    qty: int
    status: str = "open"


app = App()
router = Router(cors=CORS(allow_origins=["https://shop.example.com"]), title="Orders",
                openapi_path="/openapi.json")
v1 = router.group("/v1")
ORDERS: dict[int, Order] = {}
#: The seconds between two progress events of the streamed route.
PROGRESS_PAUSE_S = float(os.environ.get("ORDERS_PROGRESS_PAUSE_S", "0.2"))


@router.before
def refuse_blocked_clients(request: Request) -> Response | None:
    """A before middleware: its Response is the answer, the route does not run."""
    if request.headers.get("x-blocked") == "yes":
        return Response.json({"message": "blocked"}, 403)
    return None


@v1.post("/orders")
def create_order(order: NewOrder) -> Response:
    created = Order(id=len(ORDERS) + 1, sku=order.sku, qty=order.qty)
    ORDERS[created.id] = created
    return Response.json(created, 201, headers={"location": f"/v1/orders/{created.id}"})


@v1.get("/orders")
def list_orders(status: str | None = None, limit: int = 20) -> list[Order]:
    """Orders, optionally only those in one status."""
    found = [o for o in ORDERS.values() if status is None or o.status == status]
    return found[:limit]


@v1.get("/orders/{order_id}")
def get_order(order_id: int) -> Order:
    order = ORDERS.get(order_id)
    if order is None:
        raise HTTPError(404, f"no order {order_id}")
    return order


@v1.delete("/orders/{order_id}")
def cancel_order(order_id: int) -> None:
    if ORDERS.pop(order_id, None) is None:
        raise HTTPError(404, f"no order {order_id}")


@v1.get("/orders/{order_id}/progress")
def progress(order_id: int) -> HttpStream:
    """Server-sent events: streamed through a Function URL, gathered elsewhere."""

    def events() -> Iterator[str]:
        for step in ("packed", "shipped", "delivered"):
            yield f"event: progress\ndata: {order_id} {step}\n\n"
            time.sleep(PROGRESS_PAUSE_S)

    return HttpStream(headers={"content-type": "text/event-stream"}, body=events())


app.handler(router)
