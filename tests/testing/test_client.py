"""LambdaTestClient: invocations through the runtime's own phases, in this process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from loguru import logger

from lambdaflow import App
from lambdaflow.events import SQSEvent
from lambdaflow.framework.codec import converter
from lambdaflow.observability.metrics_record import (
    COLD_START_FIELD,
    METRICS_MESSAGE,
    OUTCOME_FIELD,
    PHASE_FIELDS,
    TOTAL_FIELD,
)
from lambdaflow.testing import InitFailed, InvocationFailed, LambdaTestClient
from tests.events.samples import sample

from . import apps
from .apps import Order, Receipt


@pytest.fixture
def shop() -> LambdaTestClient:
    with LambdaTestClient(apps.shop) as client:
        yield client


def test_typed_input_output_and_body(shop: LambdaTestClient) -> None:
    result = shop.invoke({"order_id": "o-1", "quantity": 3})
    assert result.outcome == "success"
    assert result.error is None
    assert result.body == b'{"order_id":"o-1","total":7.5}'
    assert result.value == Receipt(order_id="o-1", total=7.5)


def test_event_as_the_handlers_input_type_or_bytes(shop: LambdaTestClient) -> None:
    typed = shop.invoke(Order(order_id="o-2", quantity=2))
    raw = shop.invoke(b'{"order_id": "o-2", "quantity": 2}')
    assert typed.value == raw.value == Receipt(order_id="o-2", total=5.0)


def test_event_source_instance_goes_out_in_its_aws_json_form() -> None:
    event = converter.structure(sample("sqs"), SQSEvent)
    with LambdaTestClient(apps.queue) as client:
        result = client.invoke(event)
    assert result.value == [record.message_id for record in event.records]
    assert len(result.value) >= 1


def test_bytes_in_bytes_out() -> None:
    with LambdaTestClient(apps.raw) as client:
        result = client.invoke(b"\x00abc\xff")
    assert result.body == b"\xffcba\x00"
    assert result.value == b"\xffcba\x00"


def test_an_event_that_is_not_json_able_is_the_tests_error(shop: LambdaTestClient) -> None:
    with pytest.raises(TypeError, match="cannot be sent as JSON"):
        shop.invoke({"order_id": object()})


def test_context_defaults() -> None:
    with LambdaTestClient(apps.introspect) as client:
        first = client.invoke(None).value
        second = client.invoke(None).value
    assert first["aws_request_id"] != second["aws_request_id"]
    assert first["function_name"] == "test-function"
    assert first["invoked_function_arn"].endswith(":function:test-function")
    assert first["function_version"] == "$LATEST"
    assert first["memory_limit_in_mb"] == "128"
    assert first["log_group_name"] == "/aws/lambda/test-function"
    assert first["trace_id"] is None and first["tenant_id"] is None
    assert 2000 < first["remaining_time_in_millis"] <= 3000  # Lambda's default timeout, 3 s


def test_context_overrides_per_invocation_and_per_client() -> None:
    deadline = int(time.time() * 1000) + 60_000
    orders = LambdaTestClient(apps.introspect, function_name="orders", memory_limit_in_mb="512")
    with orders as client:
        seen = client.invoke(
            {"x": 1},
            aws_request_id="req-1",
            deadline_ms=deadline,
            tenant_id="tenant-a",
            trace_id="Root=1-5e1b4151-5ac6c58f5b5daa6532e4f2e8;Sampled=1",
            client_context={"client": {"app_title": "shop"}, "custom": {}, "env": {}},
            cognito_identity={"cognitoIdentityId": "id-1"},
        ).value
        short = client.invoke(None, remaining_time_in_millis=50).value
    assert seen["aws_request_id"] == "req-1"
    assert seen["deadline_ms"] == deadline
    assert seen["tenant_id"] == "tenant-a"
    assert seen["trace_id"].startswith("Root=1-5e1b4151")
    assert seen["client_app_title"] == "shop"
    assert seen["cognito_identity_id"] == "id-1"
    assert seen["function_name"] == "orders" and seen["memory_limit_in_mb"] == "512"
    assert seen["invoked_function_arn"].endswith(":function:orders")
    assert seen["event"] == {"x": 1}
    assert 0 <= short["remaining_time_in_millis"] <= 50


def test_unknown_or_conflicting_context_fields_are_refused() -> None:
    with pytest.raises(TypeError, match="not Context fields: tenant"):
        LambdaTestClient(apps.introspect, tenant="a")
    with LambdaTestClient(apps.introspect) as client:
        with pytest.raises(TypeError, match="not Context fields: requestId"):
            client.invoke(None, requestId="r")
        with pytest.raises(TypeError, match="not both"):
            client.invoke(None, deadline_ms=1, remaining_time_in_millis=1)


@pytest.mark.parametrize(
    ("event", "outcome", "error_type", "message"),
    [
        (b"not json", "unmarshal_error", "Runtime.UnmarshalError", "Unable to parse"),
        ({"order_id": "o"}, "unmarshal_error", "Runtime.UnmarshalError", "quantity: missing"),
        ({"order_id": "o", "quantity": 0}, "validation_error", "ValueError", "positive, got 0"),
        ({"order_id": "explode", "quantity": 1}, "handler_error", "RuntimeError", "on fire"),
        ({"order_id": "unencodable", "quantity": 1}, "marshal_error", "Runtime.MarshalError",
         "Unable to marshal"),
        ({"order_id": "huge", "quantity": 1}, "marshal_error", "Function.ResponseSizeTooLarge",
         "exceeded maximum"),
    ],
)
def test_every_failure_outcome(
    shop: LambdaTestClient, event: object, outcome: str, error_type: str, message: str
) -> None:
    result = shop.invoke(event)
    assert result.outcome == outcome
    assert result.metrics[OUTCOME_FIELD] == outcome
    assert result.body is None
    assert result.error.type == error_type
    assert message in result.error.message
    with pytest.raises(InvocationFailed, match=error_type):
        _ = result.value
    logged = [r for r in result.logs if r["message"] == "invocation.error"]
    assert [r["error_type"] for r in logged] == [error_type]


def test_a_handler_error_carries_the_users_stack(shop: LambdaTestClient) -> None:
    stack = shop.invoke({"order_id": "explode", "quantity": 1}).error.stack
    assert any("apps.py" in frame and "in buy" in frame for frame in stack)
    assert not any("lambdaflow/framework/phases.py" in frame for frame in stack)


def test_logs_are_those_of_each_invocation(shop: LambdaTestClient) -> None:
    first = shop.invoke({"order_id": "o-1", "quantity": 1}, tenant_id="t-1")
    second = shop.invoke({"order_id": "o-2", "quantity": 1})
    assert [r["message"] for r in first.logs] == ["shop.buying", METRICS_MESSAGE]
    assert first.logs[0]["order_id"] == "o-1"
    assert {r["request_id"] for r in first.logs} == {first.context.aws_request_id}
    assert {r["tenant_id"] for r in first.logs} == {"t-1"}
    assert [r["order_id"] for r in second.logs if "order_id" in r] == ["o-2"]
    assert all("tenant_id" not in r for r in second.logs)
    assert first.logs[0]["level"] == "INFO" and first.logs[0]["function_name"] == "test-function"
    # the client keeps everything, start-up included, and stamps no invocation on start-up
    assert shop.logs[0]["message"] == "shop.connected" and shop.logs[0]["request_id"] is None


def test_metrics_record_as_the_loop_logs_it(shop: LambdaTestClient) -> None:
    first = shop.invoke({"order_id": "o-1", "quantity": 1})
    second = shop.invoke({"order_id": "o-1", "quantity": 0})
    record = first.metrics
    assert record is first.logs[-1]
    assert record["message"] == METRICS_MESSAGE
    assert record[COLD_START_FIELD] is True and second.metrics[COLD_START_FIELD] is False
    phases = [record[field] for field in PHASE_FIELDS]
    assert all(ms >= 0 for ms in phases)
    assert record[TOTAL_FIELD] == pytest.approx(sum(phases), abs=0.01)
    # the function's own metrics, on its record only: validation failed before the second added
    assert record["orders"] == 1 and record["channel"] == "web"
    assert "orders" not in second.metrics


def test_cold_start_once_on_enter_and_shutdown_on_exit() -> None:
    apps.calls.clear()
    with LambdaTestClient(apps.shop) as client:
        assert apps.calls == ["cold_start"]
        client.invoke({"order_id": "o", "quantity": 1})
        client.invoke({"order_id": "o", "quantity": 1})
        assert apps.calls == ["cold_start"]
    assert apps.calls == ["cold_start", "shutdown"]


def test_shutdown_runs_when_the_test_fails_inside_the_block() -> None:
    apps.calls.clear()
    with pytest.raises(ZeroDivisionError), LambdaTestClient(apps.shop):
        1 / 0  # noqa: B018
    assert apps.calls == ["cold_start", "shutdown"]


def test_a_failing_shutdown_hook_is_logged_as_the_runtime_logs_it() -> None:
    with LambdaTestClient(apps.failing_shutdown) as client:
        pass
    failed = [r for r in client.logs if r["message"] == "shutdown.hook_failed"]
    assert len(failed) == 1 and failed[0]["exception"]["type"] == "OSError"


def test_logs_are_captured_only_while_the_client_is_open() -> None:
    with LambdaTestClient(apps.introspect) as client:
        logger.info("inside")
    logger.info("outside")
    assert [r["message"] for r in client.logs] == ["inside"]


@pytest.mark.parametrize(
    ("app", "error_type", "message"),
    [
        (apps.failing_cold_start, "ConnectionError", "no_database failed: database unreachable"),
        (apps.no_handler, "Runtime.HandlerNotFound", "the App has no handler"),
        ("tests.testing.no_such_module:app", "Runtime.ImportModuleError", "Unable to import"),
        ("tests.testing.apps:missing", "Runtime.HandlerNotFound", "has no attribute 'missing'"),
    ],
)
def test_init_failure_raises_with_the_init_error_payload(
    app: object, error_type: str, message: str
) -> None:
    client = LambdaTestClient(app)
    with pytest.raises(InitFailed) as failed:
        client.__enter__()
    assert failed.value.error.type == error_type
    assert message in failed.value.error.message
    assert [r["message"] for r in failed.value.logs] == ["init.error"]
    logger.info("after")  # the capture ended with the failure
    assert [r["message"] for r in client.logs] == ["init.error"]


def test_invoke_needs_an_open_client() -> None:
    client = LambdaTestClient(apps.introspect)
    with pytest.raises(RuntimeError, match="open the client first"):
        client.invoke(None)
    with client, pytest.raises(RuntimeError, match="already open"):
        client.__enter__()


def test_an_async_generator_handler_streams_through_the_client() -> None:
    """Its chunks are awaited on the loop the async cold_start ran on; one failing midway
    keeps what it sent and names the error; each generator is closed (its finally ran)."""
    app = App()
    loops: list[asyncio.AbstractEventLoop] = []
    closed: list[str] = []

    @app.cold_start
    async def remember_the_loop() -> None:
        loops.append(asyncio.get_running_loop())

    @app.handler
    async def handle(event: dict) -> AsyncIterator[str]:
        try:
            yield "same-loop " if asyncio.get_running_loop() is loops[0] else "other-loop "
            await asyncio.sleep(0)
            yield event["word"]
            if event.get("fail"):
                raise ValueError("after two chunks")
        finally:
            closed.append(event["word"])

    with LambdaTestClient(app) as client:
        streamed = client.invoke({"word": "hello"})
        failed = client.invoke({"word": "boom", "fail": True})
    assert streamed.outcome == "success"
    assert streamed.chunks == (b"same-loop ", b"hello")
    assert streamed.body == b"same-loop hello"
    assert failed.outcome == "handler_error"
    assert failed.chunks == (b"same-loop ", b"boom")
    assert failed.body is None
    assert failed.error.type == "ValueError"
    assert closed == ["hello", "boom"]
