"""The apps `python -m bench http` measures: one 20-route API written for lambdaflow's Router and
for Powertools' APIGatewayHttpResolver, and one Starlette app served by lambdaflow's ASGI
bridge and by Mangum.

Every route is typed the same way on each side: an integer path parameter and, for the item
routes, a JSON body structured into a class (the codec's attrs class for lambdaflow; a
dataclass built from `json_body` for Powertools, its plain resolver having no typed bodies).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import attrs

from lambdaflow import App
from lambdaflow.http import Router

RESOURCES = ("orders", "users", "products", "carts", "payments")


@attrs.frozen
class Item:
    sku: str
    qty: int


def lambdaflow_routes() -> App:
    """20 routes: per resource a list, a typed GET, a typed POST with a JSON body, a DELETE."""
    app = App()
    router = Router()
    for resource in RESOURCES:
        router.get(f"/{resource}")(lambda limit=10: {"items": [], "limit": limit})

        def get_one(item_id: int, resource: str = resource) -> dict:
            return {"resource": resource, "id": item_id}

        def add(item_id: int, item: Item) -> dict:
            return {"id": item_id, "sku": item.sku, "qty": item.qty}

        def delete(item_id: int) -> None:
            return None

        router.get(f"/{resource}/{{item_id}}")(get_one)
        router.post(f"/{resource}/{{item_id}}/items")(add)
        router.delete(f"/{resource}/{{item_id}}")(delete)
    app.handler(router)
    return app


routes_app = lambdaflow_routes()

@dataclasses.dataclass
class PowertoolsItem:
    sku: str
    qty: int


def powertools_routes() -> Any:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

    resolver = APIGatewayHttpResolver()
    for resource in RESOURCES:
        def list_all(resource: str = resource) -> dict:
            limit = int(resolver.current_event.get_query_string_value("limit", "10"))
            return {"items": [], "limit": limit}

        def get_one(item_id: str, resource: str = resource) -> dict:
            return {"resource": resource, "id": int(item_id)}

        def add(item_id: str) -> dict:
            item = PowertoolsItem(**resolver.current_event.json_body)
            return {"id": int(item_id), "sku": item.sku, "qty": item.qty}

        def delete(item_id: str) -> None:
            int(item_id)

        resolver.get(f"/{resource}")(list_all)
        resolver.get(f"/{resource}/<item_id>")(get_one)
        resolver.post(f"/{resource}/<item_id>/items")(add)
        resolver.delete(f"/{resource}/<item_id>")(delete)
    return resolver


def starlette_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def get_one(request: Request) -> JSONResponse:
        return JSONResponse({"id": int(request.path_params["item_id"])})

    async def add(request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse({"id": int(request.path_params["item_id"]), "sku": body["sku"]})

    return Starlette(routes=[
        Route("/payments/{item_id}", get_one),
        Route("/payments/{item_id}/items", add, methods=["POST"]),
    ])


def http_api_event(method: str, path: str, body: str | None = None) -> dict[str, Any]:
    """An HTTP API payload 2.0 event, shaped like AWS's sample."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "accept": "*/*", "content-type": "application/json",
            "host": "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com", "user-agent": "curl/8.5.0",
            "x-amzn-trace-id": "Root=1-5e9f0c65-1de4d666d4dd26aced652b6c",
            "x-forwarded-for": "1.2.3.4", "x-forwarded-port": "443", "x-forwarded-proto": "https",
        },
        "requestContext": {
            "accountId": "123456789012", "apiId": "aaaaaaaaaa",
            "domainName": "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com",
            "domainPrefix": "aaaaaaaaaa",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "1.2.3.4", "userAgent": "curl/8.5.0"},
            "requestId": "LV7fzho-PHcEJPw=", "routeKey": "$default", "stage": "$default",
            "time": "21/Apr/2020:15:08:21 +0000", "timeEpoch": 1587481701067,
        },
        "isBase64Encoded": False,
    }
    if body is not None:
        event["body"] = body
    return event


#: The events measured: a typed GET and a typed POST with a JSON body, on the last resource
#: registered (so a route table scanned in order pays for the other 16 routes).
EVENTS = (
    http_api_event("GET", "/payments/1041"),
    http_api_event("POST", "/payments/1041/items", '{"sku": "BK-7", "qty": 2}'),
)
