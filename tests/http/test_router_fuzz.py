"""Hostile events: whatever shape an event has, the router answers with an HTTP status or
refuses it as an UnmarshalError naming the cause; nothing else escapes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambdaflow.errors import UnmarshalError
from lambdaflow.framework.streaming import HttpStream
from lambdaflow.http.routes import Router
from lambdaflow.testing import LambdaTestClient
from tests.http.http_samples import sample
from tests.http.routes_app import app as routes_app
from tests.http.routes_app import router

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=3),
    max_leaves=8,
)
SAMPLES = ("api_gateway_v1", "api_gateway_v2", "alb", "alb_multivalue", "function_url",
           "apigw_v2_no_authorizer")


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    return found


def _replace(event: dict, path: tuple, value: object) -> None:
    target = event
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@st.composite
def hostile_events(draw: st.DrawFn) -> dict:
    event = sample(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(event)))
        _replace(event, path, draw(JSON))
    return event


def _serve(target: Router, event: dict) -> None:
    try:
        answer = target.handle(event, None)
    except UnmarshalError as exc:
        assert exc.message
        return
    assert isinstance(answer, bytes | HttpStream)  # an answer, never nothing
    if isinstance(answer, bytes):
        assert 100 <= json.loads(answer)["statusCode"] <= 599


@settings(max_examples=300, deadline=None)
@given(hostile_events())
def test_any_event_gets_a_status_or_a_named_refusal(event: dict) -> None:
    _serve(router, event)


def test_the_router_still_serves_after_hostile_events() -> None:
    with LambdaTestClient(routes_app) as client:
        event = sample("api_gateway_v2")
        event["headers"] = ["not", "an", "object"]
        refused = client.invoke(event)
        assert refused.error.type == "Runtime.UnmarshalError" and "headers" in refused.error.message
        assert client.invoke(sample("api_gateway_v2")).value["statusCode"] == 200


async def _echo(scope, receive, send) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": scope["path"].encode()})


@settings(max_examples=200, deadline=None)
@given(hostile_events())
def test_the_asgi_bridge_answers_or_refuses_by_name_too(event: dict) -> None:
    from lambdaflow.framework.async_loop import shared
    from lambdaflow.http import asgi

    handler = asgi(_echo, lifespan="off")
    try:
        answer = shared().run(handler.handle(event, None))
    except UnmarshalError as exc:
        assert exc.message
        return
    assert isinstance(answer, bytes | HttpStream)  # an answer, never nothing
    if isinstance(answer, bytes):
        assert json.loads(answer)["statusCode"] == 200


def test_the_asgi_bridge_refuses_an_event_with_a_malformed_part_by_name() -> None:
    from lambdaflow.framework.async_loop import shared
    from lambdaflow.http import asgi

    event = sample("api_gateway_v2")
    event["headers"] = ["not", "an", "object"]
    with pytest.raises(UnmarshalError, match="headers"):
        shared().run(asgi(_echo, lifespan="off").handle(event, None))
