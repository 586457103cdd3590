"""Powertools for AWS Lambda (the real library) on lambdaflow handlers, served by the real
runtime from a real Runtime API: its decorators read the standard context lambdaflow passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parser import event_parser

from lambdaflow import App
from lambdaflow.errors import RegistrationError

from .powertools_apps import Order

SAMPLES = Path(__file__).parents[1] / "events" / "samples"
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
POWERTOOLS_ENV = {"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_DEV": "false"}


def app(name: str) -> str:
    return f"tests.compat.powertools_apps:{name}"


def test_logger_metrics_and_tracer_stacked(api, start_runtime):
    runtime = start_runtime(None, app("observed"), **POWERTOOLS_ENV)
    first = api.invoke(b'{"order_id": "o-1"}', {"Lambda-Runtime-Trace-Id": TRACE})
    second = api.invoke(b'{"order_id": "o-2"}')
    assert [first.json(), second.json()] == [{"order_id": "o-1"}, {"order_id": "o-2"}]

    placed = runtime.wait_for_record("order.placed", count=2)
    assert [r["function_request_id"] for r in placed] == [first.request_id, second.request_id]
    assert [r["cold_start"] for r in placed] == [True, False]
    assert [r["order_id"] for r in placed] == ["o-1", "o-2"]
    for record in placed:
        assert record["function_name"] == "fn"
        assert record["function_memory_size"] == "256"
        assert record["function_arn"] == "arn:aws:lambda:us-east-1:123456789012:function:fn"
        assert record["service"] == "shop"
    assert placed[0]["xray_trace_id"] == "1-5759e988-bd862e3fe1be46a994272793"

    emf = [r for r in runtime.json_lines() if "_aws" in r]
    cold = [r for r in emf if "ColdStart" in r]
    assert len(cold) == 1 and cold[0]["function_name"] == "fn" and cold[0]["ColdStart"] == [1.0]
    orders = [r for r in emf if "orders" in r]
    assert len(orders) == 2 and {r["service"] for r in orders} == {"shop"}
    assert orders[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Shop"


def test_idempotency_returns_the_first_result_for_a_repeated_event(api, start_runtime):
    start_runtime(None, app("charges"), **POWERTOOLS_ENV)
    first = api.invoke(b'{"order_id": "o-1"}').json()
    again = api.invoke(b'{"order_id": "o-1"}').json()
    other = api.invoke(b'{"order_id": "o-2"}').json()
    # the in-progress record expires with the invocation: Powertools read the remaining time
    assert first == again == {"charge": 1, "in_progress_expiry_set": True}
    assert other["charge"] == 2


def test_event_handler_routes_and_reads_the_lambda_context(api, start_runtime):
    start_runtime(None, app("http"), **POWERTOOLS_ENV)
    event = json.loads((SAMPLES / "api_gateway_v2.json").read_text())
    event.update(routeKey="$default", rawPath="/orders/1041", body=None, isBase64Encoded=False)
    event["requestContext"]["http"].update(method="GET", path="/orders/1041")
    post = api.invoke(json.dumps(event).encode())
    response = post.json()
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"order_id": "1041", "request_id": post.request_id}


def test_parser_with_an_envelope_and_inline(api, start_runtime):
    start_runtime(None, app("parsed"), **POWERTOOLS_ENV)
    event = json.loads((SAMPLES / "sqs.json").read_text())
    for record in event["Records"]:
        record["body"] = json.dumps({"order_id": 1041, "sku": "BK-7"})
    assert api.invoke(json.dumps(event).encode()).json() == ["BK-7"] * len(event["Records"])
    refused = api.invoke(b'{"Records": [{"body": "{\\"order_id\\": \\"x\\"}"}]}')
    assert refused.kind == "error" and refused.json()["errorType"] == "ValidationError"


def test_parser_called_in_the_handler(api, start_runtime):
    start_runtime(None, app("parsed_inline"), **POWERTOOLS_ENV)
    post = api.invoke(b'{"order_id": 7, "sku": "A"}')
    assert post.json() == {"order_id": 7, "request_id": post.request_id}


def test_event_parser_over_a_model_annotation_is_refused_with_the_way_out():
    """`@event_parser` keeps the inner annotation (a pydantic model), which lambdaflow's codec
    would have to convert first: registration says what to write instead."""

    @event_parser(model=Order)
    def handle(event: Order, context) -> dict:
        return {}

    with pytest.raises(RegistrationError, match="annotate the event `dict`"):
        App().handler(handle)
