"""Event classes through App: registered as a handler's annotation, decoded from real bytes."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import attrs
import pytest
import ujson

from lambdaflow import App, Context, UnmarshalError
from lambdaflow.events import (
    APIGatewayProxyEventV2,
    APIGatewayProxyResponseV2,
    CloudWatchLogsEvent,
    EventBridgeEvent,
    SQSEvent,
)
from lambdaflow.events.cloudwatch_logs import CloudWatchLogsData
from lambdaflow.framework.codec import converter

from .samples import sample, sample_bytes
from .test_samples import CASES


def plan_for(input_type: Any):
    app = App()

    def handle(event, context: Context) -> dict:
        return {}

    handle.__annotations__["event"] = input_type
    app.handler(handle)
    return app.plan()


@pytest.mark.parametrize("name", CASES)
def test_handler_annotated_with_an_event_class_decodes_its_sample(name: str) -> None:
    cls, check = CASES[name]
    event = plan_for(cls).decode(sample_bytes(name))
    assert type(event) is cls
    check(event)


def test_decorated_handler_gets_records_in_python_names() -> None:
    app = App()

    @app.handler
    def handle(event: SQSEvent, context: Context) -> dict:
        return {"ids": [record.message_id for record in event.records]}

    plan = app.plan()
    result = plan.handler(plan.decode(sample_bytes("sqs")), None)
    assert json.loads(plan.encode(result)) == {
        "ids": ["059f36b4-87a3-44ab-83d2-661975830a7d", "2e1424d4-f796-459a-8184-9c92662be6da"]
    }


def test_response_class_encodes_to_the_aws_shape() -> None:
    app = App()

    @app.handler
    def handle(event: APIGatewayProxyEventV2) -> APIGatewayProxyResponseV2:
        return APIGatewayProxyResponseV2(
            status_code=201,
            headers={"content-type": "application/json"},
            body=event.body,
        )

    plan = app.plan()
    body = plan.encode(plan.handler(plan.decode(sample_bytes("api_gateway_v2")), None))
    assert json.loads(body) == {
        "statusCode": 201,
        "headers": {"content-type": "application/json"},
        "body": '{"sku": "BK-7", "qty": 2, "gift": false}',
    }


#: Where each sample gets keys AWS might add one day: its top level and nested objects.
UNKNOWN_KEYS_AT: dict[str, list[tuple[str | int, ...]]] = {
    "sqs": [(), ("Records", 0), ("Records", 1, "attributes")],
    "api_gateway_v1": [(), ("requestContext",), ("requestContext", "identity")],
    "api_gateway_v2": [(), ("requestContext",), ("requestContext", "http")],
    "dynamodb": [(), ("Records", 2), ("Records", 2, "dynamodb"), ("Records", 2, "userIdentity")],
    "s3": [("Records", 0, "s3"), ("Records", 1, "s3", "object")],
}


@pytest.mark.parametrize("name", UNKNOWN_KEYS_AT)
def test_unknown_keys_are_ignored(name: str) -> None:
    cls, check = CASES[name]
    raw = sample(name)
    for path in UNKNOWN_KEYS_AT[name]:
        target = raw
        for step in path:
            target = target[step]
        target["addedByAwsLater"] = {"nested": [1, 2]}
    event = plan_for(cls).decode(ujson.dumps(raw).encode())
    check(event)
    assert converter.unstructure(event) == sample(name)


def test_missing_field_is_an_unmarshal_error_naming_it() -> None:
    raw = sample("sqs")
    del raw["Records"][1]["receiptHandle"]
    with pytest.raises(UnmarshalError) as error:
        plan_for(SQSEvent).decode(ujson.dumps(raw).encode())
    assert "records[1].receipt_handle: missing required field" in str(error.value)


def test_wrong_type_is_an_unmarshal_error_without_the_value() -> None:
    raw = sample("api_gateway_v2")
    raw["requestContext"]["timeEpoch"] = "secret-looking-value"
    with pytest.raises(UnmarshalError) as error:
        plan_for(APIGatewayProxyEventV2).decode(ujson.dumps(raw).encode())
    assert "request_context.time_epoch: expected integer, got string" in str(error.value)
    assert "secret-looking-value" not in str(error.value)


def test_eventbridge_detail_structures_into_the_callers_class() -> None:
    @attrs.define
    class State:
        state: str

    event = plan_for(EventBridgeEvent[State]).decode(sample_bytes("eventbridge"))
    assert event.detail == State(state="stopped")
    assert event.detail_type == "EC2 Instance State-change Notification"


def test_cloudwatch_logs_data_of_the_wrong_shape_names_the_field() -> None:
    data = base64.b64encode(gzip.compress(b'{"messageType": "DATA_MESSAGE", "owner": 7}')).decode()
    event = CloudWatchLogsEvent(aws_logs=CloudWatchLogsData(data=data))
    with pytest.raises(UnmarshalError, match="owner: expected string, got number"):
        event.parse_logs_data()
