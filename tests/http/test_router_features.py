"""CORS, route groups, middlewares, async routes, registration checks and the OpenAPI document."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from typing import Annotated

import attrs
import pytest

from lambdaflow import App, HttpStream
from lambdaflow.errors import RegistrationError
from lambdaflow.framework.codec import JSON_KEY
from lambdaflow.http import CORS, Body, Cookie, Header, Query, Request, Response, Router
from lambdaflow.testing import LambdaTestClient
from tests.http.http_samples import sample
from tests.http.routes_app import app as routes_app
from tests.http.routes_app import router as routes_router


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Opaque:
    pass


@attrs.frozen
class Renamed:
    message_id: str = attrs.field(metadata={JSON_KEY: "messageId"})


def v2(path: str, method: str = "GET", headers: dict | None = None) -> dict:
    event = sample("apigw_v2_no_authorizer")
    event["rawPath"] = path
    event["requestContext"]["http"]["method"] = method
    event["headers"].update(headers or {})
    return event


def serve(router: Router, event: dict) -> dict:
    app = App()
    app.handler(router)
    with LambdaTestClient(app) as client:
        return client.invoke(event).value


@pytest.fixture(scope="module")
def client():
    with LambdaTestClient(routes_app) as opened:
        yield opened


def test_cors_preflight_is_answered_for_an_allowed_origin(client) -> None:
    event = v2("/orders/1", "OPTIONS", {"origin": "https://shop.example.com",
                                         "access-control-request-method": "DELETE"})
    reply = client.invoke(event).value
    assert reply["statusCode"] == 204
    headers = reply["headers"]
    assert headers["access-control-allow-origin"] == "https://shop.example.com"
    assert headers["access-control-allow-methods"] == "DELETE,GET,HEAD,PATCH"
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["vary"] == "Origin"


def test_cors_preflight_from_another_origin_is_refused(client) -> None:
    event = v2("/orders/1", "OPTIONS", {"origin": "https://evil.example",
                                         "access-control-request-method": "DELETE"})
    reply = client.invoke(event).value
    assert reply["statusCode"] == 403
    assert "access-control-allow-origin" not in reply["headers"]


def test_cors_headers_on_an_actual_request(client) -> None:
    reply = client.invoke(v2("/orders/1", headers={"origin": "https://shop.example.com"})).value
    assert reply["headers"]["access-control-allow-origin"] == "https://shop.example.com"
    reply = client.invoke(v2("/orders/1", headers={"origin": "https://evil.example"})).value
    assert "access-control-allow-origin" not in reply["headers"]


def test_any_origin_without_credentials_is_a_star() -> None:
    router = Router(cors=CORS())
    router.get("/x")(lambda: "x")
    reply = serve(router, v2("/x", headers={"origin": "https://a.example"}))
    assert reply["headers"]["access-control-allow-origin"] == "*"


def test_groups_prefix_their_routes_and_nest() -> None:
    router = Router()
    api = router.group("/api")
    v1 = api.group("v1/")

    @v1.get("/items/{item_id}")
    def item(item_id: int) -> dict:
        return {"item": item_id}

    assert [r.template for r in router.routes] == ["/api/v1/items/{item_id}"]
    assert json.loads(serve(router, v2("/api/v1/items/3"))["body"]) == {"item": 3}


def test_after_middleware_may_replace_the_answer() -> None:
    router = Router()
    router.get("/x")(lambda: {"a": 1})

    @router.after
    def wrap(request: Request, response: Response) -> Response:
        return Response(b"replaced", 202, {"content-type": "text/plain"})

    reply = serve(router, v2("/x"))
    assert (reply["statusCode"], reply["body"]) == (202, "replaced")


def test_async_routes_run_on_the_event_loop() -> None:
    router = Router()

    @router.get("/slow/{n}")
    async def slow(n: int) -> dict:
        await asyncio.sleep(0)
        return {"n": n, "loop": asyncio.get_running_loop() is not None}

    assert json.loads(serve(router, v2("/slow/4"))["body"]) == {"n": 4, "loop": True}


def test_dataclass_bodies_and_results() -> None:
    router = Router()

    @router.post("/mirror")
    def mirror(point: Point) -> Point:
        return Point(point.y, point.x)

    event = v2("/mirror", "POST")
    event["body"] = '{"x": 1, "y": 2}'
    assert json.loads(serve(router, event)["body"]) == {"x": 2, "y": 1}


def test_a_route_added_after_app_handler_is_served() -> None:
    router = Router()
    app = App()
    app.handler(router)
    router.get("/late")(lambda: "late")
    with LambdaTestClient(app) as client:
        assert client.invoke(v2("/late")).value["body"] == "late"


@pytest.mark.parametrize(
    ("path", "function", "problem"),
    [
        ("/a/{id}", lambda: None, "names id but the function takes no such parameter"),
        ("/a/{id}/{id}", lambda id: None, "names a parameter twice"),
        ("/a/x{id}", lambda id: None, "a parameter is a whole segment"),
        ("/a/{rest+}/b", lambda rest: None, "a {name+} parameter ends a path"),
    ],
)
def test_registration_refuses_bad_templates(path, function, problem) -> None:
    with pytest.raises(RegistrationError, match=problem.replace("{", r"\{").replace("+", r"\+")):
        Router().get(path)(function)


def test_registration_refuses_a_duplicate_and_an_unconvertible_type() -> None:
    router = Router()
    router.get("/a")(lambda: None)
    with pytest.raises(RegistrationError, match="GET /a is registered twice"):
        router.get("/a/")(lambda: None)
    def takes(value: Opaque) -> None: ...

    with pytest.raises(RegistrationError, match="parameter 'value' is query"):
        router.get("/b")(takes)
    with pytest.raises(RegistrationError, match="methods must be among"):
        router.route("/c", methods=["FETCH"])


def test_openapi_document_describes_routes_and_types(client) -> None:
    document = routes_router.openapi()
    assert document["openapi"] == "3.1.0"
    post = document["paths"]["/orders/{id}/items"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Item"
    }
    assert {(p["name"], p["in"], p["required"]) for p in post["parameters"]} == {
        ("id", "path", True), ("dry_run", "query", False), ("tag", "query", False),
    }
    item = document["components"]["schemas"]["Item"]
    assert item["required"] == ["sku", "qty"]
    assert item["properties"]["gift"] == {"type": "boolean"}
    added = post["responses"]["200"]["content"]["application/json"]["schema"]
    assert added == {"$ref": "#/components/schemas/Added"}
    get = document["paths"]["/orders/{id}"]["get"]
    size = next(p for p in get["parameters"] if p["name"] == "size")
    assert size["schema"] == {"enum": ["small", "large"]}
    assert set(document["paths"]["/orders/{id}"]) == {"get", "delete", "patch"}
    assert document["paths"]["/files/{path}"]["get"]["parameters"][0]["in"] == "path"
    # and it is served as a route
    served = client.invoke(v2("/openapi.json")).value
    assert json.loads(served["body"]) == json.loads(json.dumps(document))


def test_attrs_json_keys_in_openapi() -> None:
    router = Router()
    router.post("/r")(lambda body: None)

    def take(body: Renamed) -> None: ...

    router.post("/s")(take)
    schema = router.openapi()["components"]["schemas"]["Renamed"]
    assert schema == {"type": "object", "properties": {"messageId": {"type": "string"}},
                      "required": ["messageId"]}


def test_cookie_header_alias_and_explicit_body_sources() -> None:
    router = Router()

    @router.post("/prefs")
    def prefs(
        session: Annotated[str, Cookie()],
        trace: Annotated[str, Header(alias="X-Amzn-Trace-Id")],
        note: Annotated[str, Body()],
        ids: Annotated[list[int], Query(alias="id")] = [],  # noqa: B006
    ) -> dict:
        return {"session": session, "trace": trace, "note": note, "ids": ids}

    event = v2("/prefs", "POST")
    event["cookies"] = ["session=s1", "other=2"]
    event["rawQueryString"] = "id=3&id=4"
    event["body"] = '"hello"'
    reply = serve(router, event)
    assert json.loads(reply["body"]) == {
        "session": "s1", "trace": "Root=1-5e9f0c65-1de4d666d4dd26aced652b6c", "note": "hello",
        "ids": [3, 4],
    }
    event["cookies"] = []
    event["rawQueryString"] = "id=x"
    reply = serve(router, event)
    assert json.loads(reply["body"])["errors"] == [
        {"field": "cookie.session", "problem": "missing required parameter"},
        {"field": "query.id", "problem": "expected integer"},
    ]


def test_openapi_streamed_and_plain_answers_have_no_json_schema() -> None:
    router = Router()

    def events() -> HttpStream: ...

    def lines() -> Iterator[str]: ...

    def text() -> str: ...

    for path, function in (("/e", events), ("/l", lines), ("/t", text)):
        router.get(path)(function)
    paths = router.openapi()["paths"]
    for path in ("/e", "/l", "/t"):
        assert paths[path]["get"]["responses"]["200"] == {"description": "OK"}


def test_every_exported_name_resolves_from_its_module() -> None:
    import importlib

    import lambdaflow.http as http

    assert sorted(http._EXPORTS) == sorted(http.__all__) == sorted(dir(http))
    for name, module in http._EXPORTS.items():
        home = importlib.import_module(f"lambdaflow.http.{module}")
        assert getattr(http, name) is getattr(home, name)
