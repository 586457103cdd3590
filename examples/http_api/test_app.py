"""How a user tests a Router function: HTTP events in, the trigger's answers out, in process.

Run with `pytest examples/http_api`.
"""

import json

import pytest

from examples.http_api.app import app, router
from lambdaflow.testing import LambdaTestClient


def request(method: str, path: str, body: dict | None = None, **headers: str) -> dict:
    """An HTTP API (payload 2.0) event, as API Gateway sends it."""
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path.partition("?")[0],
        "rawQueryString": path.partition("?")[2],
        "headers": {"content-type": "application/json", **headers},
        "requestContext": {
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
            "http": {"method": method, "path": path.partition("?")[0]},
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }
    if body is not None:
        event["body"] = json.dumps(body)
    return event


@pytest.fixture(scope="module")
def client():
    with LambdaTestClient(app) as client:
        yield client


def test_create_then_read(client):
    created = client.invoke(request("POST", "/v1/orders", {"sku": "BK-7", "qty": 2})).value
    assert created["statusCode"] == 201
    order_id = json.loads(created["body"])["id"]
    assert created["headers"]["location"] == f"/v1/orders/{order_id}"
    read = client.invoke(request("GET", f"/v1/orders/{order_id}")).value
    assert json.loads(read["body"]) == {"id": order_id, "sku": "BK-7", "qty": 2, "status": "open"}


def test_bad_values_are_named(client):
    reply = client.invoke(request("POST", "/v1/orders", {"qty": "two"})).value
    assert reply["statusCode"] == 400
    fields = [error["field"] for error in json.loads(reply["body"])["errors"]]
    assert fields == ["body.sku", "body.qty"]


def test_unknown_order_and_method(client):
    assert client.invoke(request("GET", "/v1/orders/999")).value["statusCode"] == 404
    reply = client.invoke(request("PUT", "/v1/orders/1")).value
    assert (reply["statusCode"], reply["headers"]["allow"]) == (405, "DELETE, GET, HEAD")


def test_middleware_and_cors(client):
    blocked = client.invoke(request("GET", "/v1/orders", **{"x-blocked": "yes"})).value
    assert blocked["statusCode"] == 403
    preflight = client.invoke(request("OPTIONS", "/v1/orders", **{
        "origin": "https://shop.example.com", "access-control-request-method": "POST"})).value
    assert preflight["statusCode"] == 204


def test_openapi():
    paths = router.openapi()["paths"]
    assert set(paths) >= {"/v1/orders", "/v1/orders/{order_id}", "/openapi.json"}
