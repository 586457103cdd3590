"""AWS's published sample events (aws-lambda-go, Powertools, SAM CLI; samples/PROVENANCE.md)
parse into their lambdaflow.events class, and unstructure back to what was sent: every value
lambdaflow emits is the sample's (keys it does not model are left out; a key the sample lacks
comes back only as the `null` API Gateway v1 sends for it)."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from pathlib import Path
from typing import Any

import pytest

from lambdaflow import events
from lambdaflow.errors import UnmarshalError
from lambdaflow.framework.codec import converter
from lambdaflow.testing import LambdaTestClient

from . import published

SAMPLES = published.samples()


def differences(emitted: Any, sent: Any, path: str = "$") -> list[str]:
    """Where `emitted` is not the sample `sent`: a key the sample lacks may come back only as a
    default (null, false); a number may come back as the same number (1 as 1.0)."""
    if isinstance(emitted, dict) and isinstance(sent, dict):
        return [
            problem
            for key, value in emitted.items()
            for problem in (
                differences(value, sent[key], f"{path}.{key}") if key in sent
                else ([] if value in (None, False) else [f"{path}.{key}: not in the sample"])
            )
        ]
    if isinstance(emitted, list) and isinstance(sent, list) and len(emitted) == len(sent):
        return [p for i, (a, b) in enumerate(zip(emitted, sent, strict=True)) for p in
                differences(a, b, f"{path}[{i}]")]
    numbers = all(type(v) in (int, float) for v in (emitted, sent))
    return [] if emitted == sent and (numbers or type(emitted) is type(sent)) else [
        f"{path}: {emitted!r} != {sent!r}"
    ]


def test_every_vendored_sample_has_a_class_and_every_collection_its_licence():
    assert len(SAMPLES) > 150
    for path in SAMPLES:
        name = published.class_name(path)
        assert name is not None and hasattr(events, name), path.name
    for collection in published.COLLECTIONS:
        assert (published.SAMPLES / collection / "LICENSE").is_file()


#: Keys of the samples lambdaflow does not model (so a misspelt key cannot pass unnoticed):
#: tumbling windows, S3's per-event-type extras, Powertools' own additions, REST API keys in
#: aws-lambda-go's WebSocket sample.
UNMODELED = {
    "APIGatewayProxyEvent": {"$.version", "$.requestContext.operationName"},
    "APIGatewayWebSocketEvent": {
        "$.httpMethod", "$.path", "$.pathParameters", "$.resource",
        *(f"$.requestContext.{k}" for k in (
            "accountId", "error", "httpMethod", "integrationLatency", "resourceId",
            "resourcePath", "status",
        )),
    },
    "CustomMessageTriggerEvent": {"$.callerContext.awsSdk"},
    "DynamoDBStreamEvent": {"$.eventSourceARN", "$.isFinalInvokeForWindow",
                            "$.isWindowTerminatedEarly", "$.shardId", "$.state", "$.window"},
    "KinesisStreamEvent": {"$.eventSourceARN", "$.isFinalInvokeForWindow",
                           "$.isWindowTerminatedEarly", "$.shardId", "$.state", "$.window"},
    "LambdaFunctionUrlEvent": {"$.requestContext.authentication"},
    "S3Event": {f"$.Records[].{k}" for k in (
        "glacierEventData", "intelligentTieringEventData", "lifecycleEventData",
        "replicationEventData", "restoreEventData", "s3.object.urlDecodedKey",
    )},
    "VPCLatticeEventV2": {"$.query_string_parameters"},
}


def dropped(emitted: Any, sent: Any, path: str = "$") -> set[str]:
    """The sample's keys with a value (not null or false) that did not come back."""
    if isinstance(sent, dict) and isinstance(emitted, dict):
        return {
            problem
            for key, value in sent.items()
            for problem in (
                dropped(emitted[key], value, f"{path}.{key}") if key in emitted
                else ({f"{path}.{key}"} if value not in (None, False) else set())
            )
        }
    if isinstance(sent, list) and isinstance(emitted, list):
        return {p for a, b in zip(emitted, sent, strict=True) for p in dropped(a, b, f"{path}[]")}
    return set()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_published_sample_parses_and_round_trips(path: Path):
    cls, sent = published.load(path)
    value = converter.structure(sent, cls)
    emitted = converter.unstructure(value, cls)
    assert differences(emitted, sent) == []
    assert dropped(emitted, sent) <= UNMODELED.get(cls.__name__, set())


@pytest.mark.parametrize(
    "path",
    [p for p in SAMPLES if published.class_name(p) == "CloudWatchLogsEvent"],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_published_cloudwatch_logs_data_decodes(path: Path):
    cls, sent = published.load(path)
    data = converter.structure(sent, cls).parse_logs_data()
    assert data.log_group and data.log_events


def logs_event(compress) -> dict:
    data = {"messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "/g",
            "logStream": "s", "subscriptionFilters": ["f"],
            "logEvents": [{"id": "1", "timestamp": 1, "message": "hello"}]}
    return {"awslogs": {"data": base64.b64encode(compress(json.dumps(data).encode())).decode()}}


@pytest.mark.parametrize("compress", [gzip.compress, zlib.compress], ids=["gzip", "zlib"])
def test_cloudwatch_logs_data_may_be_gzip_or_zlib(compress):
    event = converter.structure(logs_event(compress), events.CloudWatchLogsEvent)
    assert [e.message for e in event.parse_logs_data().log_events] == ["hello"]


def test_cloudwatch_logs_data_that_is_neither_is_a_clear_error():
    event = converter.structure(logs_event(lambda raw: raw), events.CloudWatchLogsEvent)
    with pytest.raises(UnmarshalError, match=r"not gzip or zlib data: .*incorrect header check"):
        event.parse_logs_data()


def rest_event(**request_context: Any) -> dict:
    _, sent = published.load(published.SAMPLES / "sam-cli" / "apigateway-aws-proxy.json")
    sent["requestContext"].update(request_context)
    return sent


def test_sam_start_api_and_http_api_1_0_nulls_reach_the_handler():
    app = events_app()
    with LambdaTestClient(app) as client:
        result = client.invoke(rest_event(stage=None, resourceId=None))
    assert result.outcome == "success", result.error
    assert result.value == {"stage": None, "resource_id": None}


def events_app():
    from lambdaflow import App

    app = App()

    @app.handler
    def handle(event: events.APIGatewayProxyEvent) -> dict:
        context = event.request_context
        return {"stage": context.stage, "resource_id": context.resource_id}

    return app


def test_function_url_without_route_and_scheduled_event_without_version():
    _, url = published.load(published.SAMPLES / "aws-lambda-go" / "lambda-urls-request.json")
    assert "routeKey" not in url and "stage" not in url["requestContext"]
    event = converter.structure(url, events.LambdaFunctionUrlEvent)
    assert event.route_key is None and event.request_context.stage is None
    _, scheduled = published.load(
        published.SAMPLES / "sam-cli" / "cloudwatch-scheduled-event.json"
    )
    assert "version" not in scheduled
    assert converter.structure(scheduled, events.ScheduledEvent).version is None


def test_api_gateway_v2_still_requires_its_route():
    _, sent = published.load(published.SAMPLES / "sam-cli" / "apigateway-http-api-proxy.json")
    del sent["routeKey"]
    with pytest.raises(Exception, match=r"routeKey|route_key"):
        converter.structure(sent, events.APIGatewayProxyEventV2)
