"""The Router in process: AWS's sample events of every HTTP trigger through the test client,
each answered in its trigger's shape."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from lambdaflow.testing import LambdaTestClient
from tests.http.http_samples import sample
from tests.http.routes_app import app


@pytest.fixture(scope="module")
def client():
    with LambdaTestClient(app) as opened:
        yield opened


def answer(client: LambdaTestClient, event: Any) -> dict[str, Any]:
    result = client.invoke(event)
    assert result.outcome == "success", result.error
    return result.value


def body(reply: dict[str, Any]) -> Any:
    raw = base64.b64decode(reply["body"]) if reply["isBase64Encoded"] else reply["body"]
    return json.loads(raw)


def test_http_api_v2_sample_typed_path_query_and_body(client) -> None:
    reply = answer(client, sample("api_gateway_v2"))
    assert reply["statusCode"] == 200
    assert reply["headers"]["content-type"] == "application/json"
    assert reply["headers"]["x-served-by"] == "router"
    assert body(reply) == {
        "order_id": 1041,
        "item": {"sku": "BK-7", "qty": 2, "gift": False},
        "dry_run": True,
        "tags": ["a", "b"],
    }


def test_rest_v1_sample_reads_multi_value_query_and_the_context(client) -> None:
    event = sample("api_gateway_v1")
    event["headers"]["Cookie"] = "session=9f2; theme=dark"
    event["multiValueHeaders"]["Cookie"] = ["session=9f2; theme=dark"]
    result = client.invoke(event, aws_request_id="req-1")
    reply = result.value
    assert reply["statusCode"] == 200
    assert body(reply) == {
        "id": 1041, "fields": "status,total", "size": "small", "path": "/orders/1041",
        "raw_path": "/orders/1041",
        "cookies": {"session": "9f2", "theme": "dark"}, "request_id": "req-1",
        "trigger": "api-gateway-rest",
    }


def test_http_api_payload_1_0_is_served_like_rest(client) -> None:
    event = sample("api_gateway_v1")
    event["version"] = "1.0"
    assert body(answer(client, event))["trigger"] == "api-gateway-http-1.0"


def test_function_url_sample_binary_body_goes_back_base64(client) -> None:
    event = sample("function_url")
    sent = base64.b64decode(event["body"])
    reply = answer(client, event)
    assert reply["statusCode"] == 200
    assert reply["isBase64Encoded"] is True
    assert base64.b64decode(reply["body"]) == sent[::-1]
    assert reply["headers"]["x-length"] == str(len(sent))


def test_alb_sample_answers_with_a_status_description(client) -> None:
    event = sample("alb")
    reply = answer(client, event)
    assert reply["statusCode"] == 200
    assert reply["statusDescription"] == "200 OK"
    assert reply["body"] == "ok" and reply["isBase64Encoded"] is False
    # without multi-value headers ALB takes one Set-Cookie: the last one
    assert reply["headers"]["Set-Cookie"] == "theme=dark"
    assert "multiValueHeaders" not in reply


def test_alb_multi_value_sample_gets_every_cookie_and_typed_header(client) -> None:
    reply = answer(client, sample("alb_multivalue"))
    assert "headers" not in reply
    assert reply["multiValueHeaders"]["x-served-by"] == ["router"]
    assert body(reply) == {"key": "hello", "header": 123}
    event = sample("alb_multivalue")
    event["path"] = "/health"
    reply = answer(client, event)
    assert reply["multiValueHeaders"]["Set-Cookie"] == [
        "session=abc; Path=/; HttpOnly", "theme=dark",
    ]


def test_alb_headers_only_sample_and_percent_encoded_query(client) -> None:
    event = sample("alb_headers_only")
    event["queryStringParameters"] = {"key": "a%20b%26c"}  # ALB passes values still encoded
    assert body(answer(client, event)) == {"key": "a b&c", "header": 123}


def test_v2_cookies_go_in_their_own_list(client) -> None:
    event = sample("apigw_v2_no_authorizer")
    event["rawPath"] = "/health"
    reply = answer(client, event)
    assert reply["cookies"] == ["session=abc; Path=/; HttpOnly", "theme=dark"]
    assert reply["body"] == "ok"
    assert reply["headers"]["content-type"].startswith("text/plain")


def test_rest_cookies_are_multi_value_set_cookie(client) -> None:
    event = sample("api_gateway_v1")
    event["path"] = "/health"
    reply = answer(client, event)
    assert reply["multiValueHeaders"]["Set-Cookie"] == [
        "session=abc; Path=/; HttpOnly", "theme=dark",
    ]


def test_a_greedy_parameter_takes_the_rest_of_the_path(client) -> None:
    event = sample("apigw_v2_no_authorizer")
    event["rawPath"] = "/files/a/b%20c.txt"
    assert answer(client, event)["body"] == "a/b c.txt"


def test_a_named_stage_prefix_is_not_part_of_the_route(client) -> None:
    event = sample("apigw_v2_no_authorizer")
    event["requestContext"]["stage"] = "prod"
    event["rawPath"] = "/prod/health"
    assert answer(client, event)["body"] == "ok"
    event["rawPath"] = "/prod/orders/%37"  # 7, percent-encoded
    reply = json.loads(answer(client, event)["body"])
    assert (reply["id"], reply["path"], reply["raw_path"]) == (7, "/orders/7", "/prod/orders/%37")


def test_route_with_several_methods(client) -> None:
    for method in ("DELETE", "PATCH"):
        event = sample("api_gateway_v1")
        event["httpMethod"] = method
        reply = answer(client, event)
        assert reply["statusCode"] == 204
        assert reply["headers"]["x-method"] == method


def test_head_is_served_by_get_without_a_body(client) -> None:
    event = sample("api_gateway_v1")
    event["httpMethod"] = "HEAD"
    reply = answer(client, event)
    assert reply["statusCode"] == 200
    assert reply["body"] == ""


def test_a_generator_route_is_gathered_where_the_trigger_cannot_stream(client) -> None:
    event = sample("api_gateway_v1")
    event["path"] = "/generator"
    reply = answer(client, event)
    assert base64.b64decode(reply["body"]) == b"ab"


def test_a_streamed_route_streams_through_a_function_url(client) -> None:
    event = sample("function_url")
    event["requestContext"]["http"]["method"] = "GET"
    event["rawPath"] = "/stream"
    result = client.invoke(event)
    assert result.outcome == "success"
    assert result.prelude["statusCode"] == 200
    assert result.prelude["cookies"] == ["streamed=1"]
    assert result.prelude["headers"]["x-served-by"] == "router"
    assert result.chunks == (b"first\n", b"chunk 0\n", b"chunk 1\n", b"chunk 2\n")


def test_a_streamed_route_is_gathered_for_http_api(client) -> None:
    event = sample("apigw_v2_no_authorizer")
    event["rawPath"] = "/stream"
    reply = answer(client, event)
    assert reply["body"] == "first\nchunk 0\nchunk 1\nchunk 2\n"
    assert reply["cookies"] == ["streamed=1"]


def test_an_event_of_no_http_trigger_is_an_unmarshal_error(client) -> None:
    result = client.invoke(sample("sqs"))
    assert result.outcome == "handler_error"
    assert result.error.type == "Runtime.UnmarshalError"
    assert "not an HTTP request" in result.error.message


def test_stream_false_gathers_a_streamed_route_on_a_function_url() -> None:
    from lambdaflow import App, HttpStream
    from lambdaflow.http import Router

    router = Router(stream=False)
    router.get("/s")(lambda: HttpStream(headers={"content-type": "text/plain"},
                                        body=iter(["a", "b"])))
    app = App()
    app.handler(router)
    event = sample("function_url")
    event["requestContext"]["http"]["method"] = "GET"
    event["rawPath"] = "/s"
    with LambdaTestClient(app) as client:
        result = client.invoke(event)
    assert result.prelude is None
    assert result.value["body"] == "ab"


def test_stream_rest_api_streams_to_rest_but_not_to_http_api_1_0() -> None:
    from lambdaflow import App
    from lambdaflow.http import Router

    router = Router(stream_rest_api=True)
    router.get("/orders/{id}")(lambda id: iter([b"a", b"b"]))
    app = App()
    app.handler(router)
    with LambdaTestClient(app) as client:
        rest = client.invoke(sample("api_gateway_v1"))
        assert rest.prelude == {"statusCode": 200, "cookies": [],
                                "headers": {"content-type": "application/octet-stream"}}
        assert rest.chunks == (b"a", b"b")
        event = sample("api_gateway_v1")
        event["version"] = "1.0"
        gathered = client.invoke(event)
        assert gathered.prelude is None
        assert base64.b64decode(gathered.value["body"]) == b"ab"
