"""The ASGI bridge: a Starlette app on AWS's sample events in process, its lifespan, and its
streamed answer through the emulator's Function URL, read before the app has finished."""

from __future__ import annotations

import base64
import http.client
import json
import sys
import time
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from lambdaflow import App
from lambdaflow.http import asgi
from lambdaflow.testing import InitFailed, LambdaTestClient
from tests.http import asgi_app
from tests.http.http_samples import sample


@pytest.fixture(scope="module")
def client():
    with LambdaTestClient(asgi_app.app) as opened:
        yield opened


def body(reply: dict) -> bytes:
    return base64.b64decode(reply["body"]) if reply["isBase64Encoded"] else reply["body"].encode()


def test_http_api_v2_sample(client) -> None:
    reply = client.invoke(sample("api_gateway_v2")).value
    assert reply["statusCode"] == 200
    assert reply["headers"]["x-app"] == "starlette"
    assert json.loads(body(reply)) == {
        "id": "1041", "query": [["dry_run", "1"], ["tag", "a"], ["tag", "b"]],
        "cookies": {"session": "9f2", "theme": "dark"}, "db": "connected",
        "body": '{"sku": "BK-7", "qty": 2, "gift": false}', "method": "POST", "has_event": True,
    }


def test_rest_v1_and_alb_samples(client) -> None:
    reply = client.invoke(sample("api_gateway_v1")).value
    answer = json.loads(body(reply))
    assert answer["query"] == [["fields", "status,total"], ["tag", "a"], ["tag", "b"]]
    reply = client.invoke(sample("alb_multivalue")).value
    assert json.loads(body(reply))["query"] == [["key", "hello"]]
    assert reply["multiValueHeaders"]["x-app"] == ["starlette"]
    reply = client.invoke(sample("alb_headers_only")).value
    assert reply["statusDescription"] == "200 OK"


def test_function_url_binary_body(client) -> None:
    event = sample("function_url")
    sent = base64.b64decode(event["body"])
    reply = client.invoke(event).value
    assert reply["isBase64Encoded"] is True
    assert base64.b64decode(reply["body"]) == sent[::-1]


def test_cookies_are_the_triggers_own(client) -> None:
    event = sample("apigw_v2_no_authorizer")
    event["rawPath"] = "/cookies"
    reply = client.invoke(event).value
    assert [c.split(";")[0] for c in reply["cookies"]] == ["a=1", "b=2"]
    event = sample("api_gateway_v1")
    event["path"] = "/cookies"
    reply = client.invoke(event).value
    assert [c.split(";")[0] for c in reply["multiValueHeaders"]["Set-Cookie"]] == ["a=1", "b=2"]


def test_an_app_exception_is_a_500_logged(client) -> None:
    event = sample("apigw_v2_no_authorizer")
    event["rawPath"] = "/boom"
    result = client.invoke(event)
    assert result.value["statusCode"] == 500
    assert "secret" not in result.value["body"]
    assert any(r["message"] == "asgi.app_error" and r["error_message"] == "secret app detail"
               for r in result.logs)


def test_background_tasks_run_after_the_answer(client) -> None:
    event = sample("apigw_v2_no_authorizer")
    event["rawPath"] = "/background"
    assert client.invoke(event).value["body"] == "done"
    assert asgi_app.events[-1] == "background ran"


def test_streamed_answer_streams_through_a_function_url_and_is_gathered_elsewhere(
    client,
) -> None:
    event = sample("function_url")
    event["rawPath"] = "/sse"
    event["requestContext"]["http"]["method"] = "GET"
    result = client.invoke(event)
    assert result.prelude["headers"]["content-type"] == "text/event-stream; charset=utf-8"
    assert result.chunks == (b"data: first\n\n", b"data: 0\n\n", b"data: 1\n\n", b"data: 2\n\n")
    event = sample("apigw_v2_no_authorizer")
    event["rawPath"] = "/sse"
    reply = client.invoke(event).value
    assert reply["body"] == "data: first\n\ndata: 0\n\ndata: 1\n\ndata: 2\n\n"


def fresh_app() -> App:
    """An App of its own: the module's client keeps its own lifespan running."""
    app = App()
    app.handler(asgi(asgi_app.starlette_app))
    return app


def test_lifespan_runs_startup_at_init_and_shutdown_at_the_end() -> None:
    asgi_app.events.clear()
    with LambdaTestClient(fresh_app()):
        assert asgi_app.events == ["startup"]
    assert asgi_app.events == ["startup", "shutdown"]


def test_a_lifespan_startup_failure_is_an_init_error(monkeypatch) -> None:
    monkeypatch.setenv("TEST_ASGI_FAIL_STARTUP", "1")
    with pytest.raises(InitFailed) as failed, LambdaTestClient(fresh_app()):
        pass
    assert "cannot reach the database" in failed.value.error.message


async def _no_lifespan(scope, receive, send) -> None:
    if scope["type"] != "http":
        raise RuntimeError("only http")
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"plain"})


def test_an_app_without_lifespan_is_served_in_auto_mode_and_refused_in_on_mode() -> None:
    app = App()
    app.handler(asgi(_no_lifespan))
    with LambdaTestClient(app) as client:
        event = sample("apigw_v2_no_authorizer")
        assert client.invoke(event).value["body"] == "cGxhaW4="  # no content type: base64
    strict = App()
    strict.handler(asgi(_no_lifespan, lifespan="on"))
    with pytest.raises(InitFailed, match="before startup completed"), LambdaTestClient(strict):
        pass


def test_starlette_app_is_not_changed_by_the_bridge() -> None:
    plain = Starlette(routes=[Route("/", lambda r: PlainTextResponse("x"))])
    handler = asgi(plain)
    assert handler.app is plain


def test_streamed_sse_through_the_emulator_first_chunk_before_the_app_finishes(
    start_emulator, tmp_path: Path
) -> None:
    emulator = start_emulator("--function-url-port", "0", runtime=[
        sys.executable, "-m", "lambdaflow", "tests.http.asgi_app:app"])
    gate = tmp_path / "gate"
    connection = http.client.HTTPConnection("127.0.0.1", emulator.function_url_port, timeout=30)
    try:
        connection.request("GET", f"/sse?gate={gate}")
        asked = time.monotonic()
        response = connection.getresponse()
        assert response.status == 200
        assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert response.readline() == b"data: first\n"
        assert response.readline() == b"\n"
        # the app waits up to 20 s for the gate: the first chunk came before it finished
        assert time.monotonic() - asked < 10
        assert "END RequestId" not in emulator.output()
        gate.touch()
        assert response.read() == b"data: 0\n\ndata: 1\n\ndata: 2\n\n"
    finally:
        connection.close()
    emulator.reports(1)


def test_a_lifespan_startup_failure_through_the_emulator(start_emulator) -> None:
    emulator = start_emulator(
        "--function-url-port", "0",
        runtime=[sys.executable, "-m", "lambdaflow", "tests.http.asgi_app:app"],
        env={"TEST_ASGI_FAIL_STARTUP": "1"},
    )
    status, _, payload = emulator.invoke(json.dumps(sample("apigw_v2_no_authorizer")))
    assert status == 502
    assert "cannot reach the database" in json.loads(payload)["errorMessage"]


async def _echo_paths(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    body = json.dumps({"path": scope["path"], "raw_path": scope["raw_path"].decode(),
                       "query": scope["query_string"].decode()}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


def test_path_raw_path_and_query_string_of_each_trigger() -> None:
    app = App()
    app.handler(asgi(_echo_paths, lifespan="off"))
    v2 = sample("apigw_v2_no_authorizer")
    v2["rawPath"] = "/a%20b/c"
    v2["rawQueryString"] = "q=x%26y&q=2"
    v1 = sample("api_gateway_v1")
    v1["path"] = "/a b/c"
    v1["multiValueQueryStringParameters"] = {"q": ["x&y", "2"]}
    alb = sample("alb_multivalue")
    alb["path"] = "/a%20b/c"
    alb["multiValueQueryStringParameters"] = {"q": ["x%26y", "2"]}
    with LambdaTestClient(app) as client:
        for event in (v2, v1):
            answer = json.loads(client.invoke(event).value["body"])
            assert answer == {"path": "/a b/c", "raw_path": "/a%20b/c", "query": "q=x%26y&q=2"}
        answer = json.loads(body(client.invoke(alb).value))  # ALB passes both still encoded
        assert answer == {"path": "/a b/c", "raw_path": "/a%20b/c", "query": "q=x%26y&q=2"}


def test_a_fastapi_app_with_pydantic_bodies_sync_routes_and_dependencies() -> None:
    from tests.http import fastapi_app

    with LambdaTestClient(fastapi_app.app) as client:
        event = sample("api_gateway_v2")  # POST /orders/1041/items with a JSON body
        event["headers"]["x-caller"] = "tests"
        reply = client.invoke(event).value
        assert json.loads(body(reply)) == {"order_id": 1041, "sku": "BK-7", "qty": 2,
                                           "who": "tests"}
        event["body"] = '{"sku": "BK-7", "qty": "many"}'
        reply = client.invoke(event).value
        assert reply["statusCode"] == 422
        assert json.loads(body(reply))["detail"][0]["loc"] == ["body", "qty"]
        reply = client.invoke(sample("api_gateway_v1")).value  # GET /orders/1041, sync route
        assert json.loads(body(reply)) == {"order_id": 1041}
        event = sample("api_gateway_v1")
        event["path"] = "/orders/404"
        reply = client.invoke(event).value
        assert (reply["statusCode"], json.loads(body(reply))) == (404, {"detail": "no such order"})
