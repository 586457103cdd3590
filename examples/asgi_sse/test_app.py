"""Testing a Starlette app on lambdaflow in process: a Function URL event streams its
server-sent events; lifespan state reaches the routes. Run with `pytest examples/asgi_sse`."""

import pytest

from examples.asgi_sse import app as example
from lambdaflow.testing import LambdaTestClient


def function_url(path: str, query: str = "") -> dict:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": "abc.lambda-url.eu-west-1.on.aws"},
        "requestContext": {
            "domainName": "abc.lambda-url.eu-west-1.on.aws",
            "http": {"method": "GET", "path": path, "sourceIp": "203.0.113.9"},
        },
        "isBase64Encoded": False,
    }


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setattr(example, "TICK_S", 0)
    with LambdaTestClient(example.app) as client:
        yield client


def test_ticks_stream_one_event_per_chunk(client):
    result = client.invoke(function_url("/ticks", "count=2"))
    assert result.prelude["headers"]["content-type"].startswith("text/event-stream")
    assert result.chunks == (b"event: tick\ndata: 0\n\n", b"event: tick\ndata: 1\n\n")


def test_lifespan_state_reaches_routes(client):
    reply = client.invoke(function_url("/")).value
    assert reply["body"] == '{"message":"hello","path":"/"}'
