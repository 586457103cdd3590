"""The Router's error answers: 400 naming each bad field, 404, 405 with Allow, HTTPError, and
a route's exception as a 500 whose body says nothing (the log has the stack)."""

from __future__ import annotations

import json

import pytest

from lambdaflow.testing import LambdaTestClient
from tests.http.http_samples import sample
from tests.http.routes_app import app


@pytest.fixture(scope="module")
def client():
    with LambdaTestClient(app) as opened:
        yield opened


def v2(path: str, method: str = "GET", body: str | None = None, query: str = "") -> dict:
    event = sample("apigw_v2_no_authorizer")
    event["rawPath"] = path
    event["rawQueryString"] = query
    event["requestContext"]["http"]["method"] = method
    if body is not None:
        event["body"] = body
    return event


def test_400_names_every_bad_field_at_once(client) -> None:
    event = v2("/orders/abc/items", "POST", '{"sku": 7, "gift": "no"}', "dry_run=maybe")
    reply = client.invoke(event).value
    assert reply["statusCode"] == 400
    assert json.loads(reply["body"]) == {
        "message": "Invalid request",
        "errors": [
            {"field": "path.id", "problem": "expected integer"},
            {"field": "body.sku", "problem": "expected string, got number"},
            {"field": "body.qty", "problem": "missing required field"},
            {"field": "body.gift", "problem": "expected boolean, got string"},
            {"field": "query.dry_run", "problem": "expected boolean"},
        ],
    }


def test_400_for_a_body_that_is_no_json_or_missing(client) -> None:
    reply = client.invoke(v2("/orders/1/items", "POST", "{nope")).value
    assert json.loads(reply["body"])["errors"] == [{"field": "body", "problem": "not valid JSON"}]
    reply = client.invoke(v2("/orders/1/items", "POST", "")).value
    assert json.loads(reply["body"])["errors"] == [
        {"field": "body", "problem": "missing required body"}
    ]


def test_400_for_enum_and_header_values(client) -> None:
    reply = client.invoke(v2("/orders/1", query="size=huge")).value
    assert json.loads(reply["body"])["errors"] == [
        {"field": "query.size", "problem": "expected one of 'small', 'large'"}
    ]
    event = v2("/")
    event["headers"]["x-myheader"] = "twelve"
    reply = client.invoke(event).value
    assert json.loads(reply["body"])["errors"] == [
        {"field": "header.x-myheader", "problem": "expected integer"}
    ]


def test_400_never_echoes_the_bad_value(client) -> None:
    reply = client.invoke(v2("/orders/<script>/items", "POST", '{"sku": "<b>", "qty": "<i>"}'))
    assert "<" not in reply.value["body"]


def test_404_for_an_unknown_path(client) -> None:
    reply = client.invoke(v2("/nowhere")).value
    assert reply["statusCode"] == 404
    assert json.loads(reply["body"]) == {"message": "Not Found"}


def test_405_with_allow(client) -> None:
    reply = client.invoke(v2("/orders/1", "PUT")).value
    assert reply["statusCode"] == 405
    assert reply["headers"]["allow"] == "DELETE, GET, HEAD, PATCH"


def test_http_error_raised_by_a_route(client) -> None:
    reply = client.invoke(v2("/teapot")).value
    assert reply["statusCode"] == 418
    assert json.loads(reply["body"]) == {"message": "short and stout"}


def test_an_exception_is_a_500_without_its_details_but_logged_with_the_stack(client) -> None:
    result = client.invoke(v2("/boom"))
    assert result.outcome == "success"  # the function answered: a 500 is an HTTP answer
    reply = result.value
    assert reply["statusCode"] == 500
    assert json.loads(reply["body"]) == {"message": "Internal Server Error"}
    assert "secret" not in reply["body"]
    logged = [r for r in result.logs if r["message"] == "http.route_error"]
    assert len(logged) == 1
    assert logged[0]["error_type"] == "RuntimeError"
    assert logged[0]["error_message"] == "secret internal detail"
    assert any("boom" in line for line in logged[0]["stack_trace"])


def test_a_before_middleware_answers_instead_of_the_route(client) -> None:
    event = v2("/orders/1")
    event["headers"]["x-blocked"] = "1"
    reply = client.invoke(event).value
    assert reply["statusCode"] == 403
    assert reply["headers"]["x-served-by"] == "router"  # after middlewares still run


def test_a_header_or_cookie_with_a_line_break_is_never_sent() -> None:
    from lambdaflow import App
    from lambdaflow.http import Response, Router

    router = Router()
    router.get("/header")(lambda: Response("x", headers={"x-note": "a\r\nSet-Cookie: evil=1"}))
    router.get("/cookie")(lambda: Response("x", cookies=["a=1\nx-evil: 1"]))
    router.get("/name")(lambda: Response("x", headers={"bad name": "1"}))
    app = App()
    app.handler(router)
    with LambdaTestClient(app) as client:
        for path in ("/header", "/cookie", "/name"):
            result = client.invoke(v2(path))
            reply = result.value
            assert reply["statusCode"] == 500, path
            assert "evil" not in json.dumps(reply)
            assert any(r["message"] == "http.route_error" and r["error_type"] == "ValueError"
                       for r in result.logs)


def test_a_missing_required_query_parameter_is_named() -> None:
    from lambdaflow import App
    from lambdaflow.http import Router

    router = Router()

    @router.get("/search")
    def search(q: str, page: int = 1) -> dict:
        return {"q": q, "page": page}

    app = App()
    app.handler(router)
    with LambdaTestClient(app) as client:
        reply = client.invoke(v2("/search", query="page=2")).value
        assert reply["statusCode"] == 400
        assert json.loads(reply["body"])["errors"] == [
            {"field": "query.q", "problem": "missing required parameter"}
        ]
        reply = client.invoke(v2("/search", query="q=lambda")).value
        assert json.loads(reply["body"]) == {"q": "lambda", "page": 1}
