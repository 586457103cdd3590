"""Each event source on its sample event: structured, its fields checked, unstructured back.

The samples were written for this project from the shapes the Lambda developer guide documents
for each source. A round trip gives back exactly the sample: AWS's optional keys absent from a
sample stay absent, and API Gateway v1's `null` keys stay `null`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from lambdaflow.events import (
    ALBEvent,
    ALBResponse,
    APIGatewayProxyEvent,
    APIGatewayProxyEventV2,
    APIGatewayProxyResponse,
    APIGatewayProxyResponseV2,
    CloudWatchLogsEvent,
    DynamoDBStreamEvent,
    EventBridgeEvent,
    KinesisStreamEvent,
    LambdaFunctionUrlEvent,
    S3Event,
    ScheduledEvent,
    SNSEvent,
    SQSEvent,
)
from lambdaflow.framework.codec import converter

from .samples import sample


def check_sqs(event: SQSEvent) -> None:
    first, second = event.records
    assert first.message_id == "059f36b4-87a3-44ab-83d2-661975830a7d"
    assert first.body == '{"order": 1041, "sku": "BK-7"}'
    assert first.attributes.approximate_receive_count == "1"
    assert first.attributes.aws_trace_header is None
    assert first.message_attributes == {}
    assert first.md5_of_message_attributes is None
    assert first.event_source_arn == "arn:aws:sqs:eu-west-1:123456789012:orders"
    assert not first.is_fifo
    assert second.attributes.aws_trace_header.startswith("Root=1-674c2b51")
    tenant = second.message_attributes["tenant"]
    assert (tenant.data_type, tenant.string_value, tenant.binary_value) == ("String", "acme", None)
    checksum = second.message_attributes["checksum"]
    assert base64.b64decode(checksum.binary_value) == b"\xde\xad\xbe\xef"
    assert second.md5_of_message_attributes == "3d9b2e1f0a6c4b8d7e5f2a1c9b0d8e7f"


def check_sqs_fifo(event: SQSEvent) -> None:
    assert all(record.is_fifo for record in event.records)
    attributes = [record.attributes for record in event.records]
    assert [a.sequence_number[-3:] for a in attributes] == ["128", "129", "130"]
    assert {a.message_group_id for a in attributes} == {"ac-19"}
    assert attributes[0].message_deduplication_id == "5e3d1c6b0f2a4e89a7d6c5b4a3f2e1d0"


def check_sns(event: SNSEvent) -> None:
    (record,) = event.records
    assert record.event_source == "aws:sns"
    message = record.sns
    assert message.topic_arn == "arn:aws:sns:eu-west-1:123456789012:deploys"
    assert message.message == '{"service": "billing", "version": "2026.12.1"}'
    assert message.subject is None
    assert message.signing_cert_url.startswith("https://sns.eu-west-1.amazonaws.com/")
    attempt = message.message_attributes["attempt"]
    assert (attempt.type, attempt.value) == ("Number", "1")


def check_s3(event: S3Event) -> None:
    put, delete = event.records
    assert put.event_name == "ObjectCreated:Put"
    assert put.s3.bucket.name == "photos-upload-eu"
    assert put.s3.bucket.owner_identity.principal_id == "A3I5XTEXAMAI3E"
    assert put.s3.object.size == 1305107
    assert put.s3.object.e_tag == "b21b84d653bb07b05b1e6b33684dc11b"
    assert put.s3.object.unquoted_key == "2026/12/beach day(1).jpg"
    assert put.request_parameters.source_ip_address == "203.0.113.24"
    assert put.response_elements.x_amz_request_id == "D82B88E5F771F645"
    assert delete.event_name == "ObjectRemoved:Delete"
    assert (delete.s3.object.size, delete.s3.object.e_tag) == (None, None)


def check_eventbridge(event: EventBridgeEvent) -> None:
    assert event.detail_type == "EC2 Instance State-change Notification"
    assert event.source == "aws.ec2"
    assert event.detail == {"instance-id": "i-0b2a4c6d8e0f13579", "state": "stopped"}
    assert event.replay_name is None


def check_scheduled(event: ScheduledEvent) -> None:
    assert (event.detail_type, event.source, event.detail) == ("Scheduled Event", "aws.events", {})
    assert event.resources == ["arn:aws:events:eu-west-1:123456789012:rule/nightly-report"]


def check_dynamodb(event: DynamoDBStreamEvent) -> None:
    insert, modify, remove = event.records
    assert [r.event_name for r in event.records] == ["INSERT", "MODIFY", "REMOVE"]
    assert insert.dynamodb.keys == {
        "pk": {"S": "customer#77"},
        "sk": {"S": "order#2026-12-01#0001"},
    }
    assert insert.dynamodb.new_image["total"] == {"N": "42.50"}
    assert insert.dynamodb.old_image is None
    assert insert.dynamodb.approximate_creation_date_time == 1764612000
    assert modify.dynamodb.old_image is not None
    assert modify.dynamodb.sequence_number == "4421584600000000017450439092"
    assert modify.dynamodb.size_bytes == 201
    assert remove.dynamodb.new_image is None
    assert remove.user_identity.principal_id == "dynamodb.amazonaws.com"
    assert insert.user_identity is None


def check_kinesis(event: KinesisStreamEvent) -> None:
    first, second = event.records
    assert first.kinesis.partition_key == "user-18"
    assert first.kinesis.sequence_number.endswith("182242")
    assert first.kinesis.data_as_json() == {"page": "/checkout", "ms": 212}
    assert second.kinesis.data_as_text() == '{"page": "/cart", "ms": 95}'
    assert second.kinesis.data_as_bytes() == b'{"page": "/cart", "ms": 95}'
    assert second.kinesis.approximate_arrival_timestamp == 1764611722.398
    assert first.event_source_arn == "arn:aws:kinesis:eu-west-1:123456789012:stream/clickstream"


def check_cloudwatch_logs(event: CloudWatchLogsEvent) -> None:
    data = event.parse_logs_data()
    assert converter.unstructure(data) == sample("cloudwatch_logs_data")
    assert data.message_type == "DATA_MESSAGE"
    assert data.log_group == "/aws/lambda/checkout"
    assert data.subscription_filters == ["errors-to-alerts"]
    assert [e.timestamp for e in data.log_events] == [1764611000123, 1764611003156]
    assert data.log_events[1].message.startswith('{"level":"ERROR"')
    assert data.policy_level is None


def check_api_gateway_v1(event: APIGatewayProxyEvent) -> None:
    assert (event.http_method, event.resource, event.path) == (
        "GET",
        "/orders/{id}",
        "/orders/1041",
    )
    assert event.headers["User-Agent"] == "curl/8.5.0"
    assert event.multi_value_query_string_parameters["tag"] == ["a", "b"]
    assert event.path_parameters == {"id": "1041"}
    assert (event.stage_variables, event.body, event.is_base64_encoded) == (None, None, False)
    assert event.body_bytes() == b""
    context = event.request_context
    assert context.authorizer["claims"]["email"] == "ana@example.com"
    assert context.identity.source_ip == "198.51.100.7"
    assert context.identity.user_arn is None
    assert context.identity.api_key is None
    assert context.request_time_epoch == 1764613246512
    assert context.resource_path == "/orders/{id}"


def check_api_gateway_v2(event: APIGatewayProxyEventV2) -> None:
    assert event.route_key == "POST /orders/{id}/items"
    assert event.raw_query_string == "dry_run=1&tag=a&tag=b"
    assert event.cookies == ["session=9f2", "theme=dark"]
    assert event.query_string_parameters == {"dry_run": "1", "tag": "a,b"}
    assert event.body_bytes() == b'{"sku": "BK-7", "qty": 2, "gift": false}'
    assert event.stage_variables == {"backend": "orders-v3"}
    context = event.request_context
    assert context.http.method == "POST"
    assert context.http.source_ip == "198.51.100.7"
    assert context.authorizer["jwt"]["scopes"] == ["orders/write"]
    assert context.authentication is None
    assert context.time_epoch == 1764613649417


def check_function_url(event: LambdaFunctionUrlEvent) -> None:
    assert isinstance(event, APIGatewayProxyEventV2)
    assert event.route_key == "$default"
    assert event.cookies is None and event.query_string_parameters is None
    assert event.is_base64_encoded
    assert event.body_bytes().startswith(b"\x89PNG\r\n")
    assert event.request_context.authorizer["iam"]["callerId"] == "AROAQ5EXAMPLEK3JDNF2QA:uploader"
    assert event.request_context.http.method == "PUT"


def check_alb(event: ALBEvent) -> None:
    assert event.request_context.elb.target_group_arn.endswith(
        "targetgroup/checkout-fn/6d0ecf831eec9f09"
    )
    assert (event.http_method, event.path) == ("GET", "/health")
    assert event.query_string_parameters == {"deep": "true"}
    assert event.headers["user-agent"] == "ELB-HealthChecker/2.0"
    assert event.multi_value_headers is None
    assert event.body_bytes() == b""


def check_api_gateway_v1_response(response: APIGatewayProxyResponse) -> None:
    assert response.status_code == 201
    assert response.multi_value_headers["Set-Cookie"][1] == "theme=dark"
    assert response.is_base64_encoded is False


def check_api_gateway_v2_response(response: APIGatewayProxyResponseV2) -> None:
    assert response.status_code == 201
    assert response.headers["location"] == "/orders/1041/items/2"
    assert response.cookies == ["cart=2; Path=/; Secure"]


def check_alb_response(response: ALBResponse) -> None:
    assert (response.status_code, response.status_description) == (200, "200 OK")
    assert response.body == '{"healthy": true}'


#: sample name -> (the class it structures into, the checks of its fields)
CASES: dict[str, tuple[type, Callable[[Any], None]]] = {
    "sqs": (SQSEvent, check_sqs),
    "sqs_fifo": (SQSEvent, check_sqs_fifo),
    "sns": (SNSEvent, check_sns),
    "s3": (S3Event, check_s3),
    "eventbridge": (EventBridgeEvent, check_eventbridge),
    "scheduled": (ScheduledEvent, check_scheduled),
    "dynamodb": (DynamoDBStreamEvent, check_dynamodb),
    "kinesis": (KinesisStreamEvent, check_kinesis),
    "cloudwatch_logs": (CloudWatchLogsEvent, check_cloudwatch_logs),
    "api_gateway_v1": (APIGatewayProxyEvent, check_api_gateway_v1),
    "api_gateway_v2": (APIGatewayProxyEventV2, check_api_gateway_v2),
    "function_url": (LambdaFunctionUrlEvent, check_function_url),
    "alb": (ALBEvent, check_alb),
    "api_gateway_v1_response": (APIGatewayProxyResponse, check_api_gateway_v1_response),
    "api_gateway_v2_response": (APIGatewayProxyResponseV2, check_api_gateway_v2_response),
    "alb_response": (ALBResponse, check_alb_response),
}


@pytest.mark.parametrize("name", CASES)
def test_sample_structures_with_its_fields(name: str) -> None:
    cls, check = CASES[name]
    event = converter.structure(sample(name), cls)
    assert type(event) is cls
    check(event)


@pytest.mark.parametrize("name", CASES)
def test_sample_round_trips_to_the_same_json(name: str) -> None:
    cls, _ = CASES[name]
    raw = sample(name)
    assert converter.unstructure(converter.structure(raw, cls)) == raw


def test_every_sample_has_a_case() -> None:
    from .samples import SAMPLES

    files = {path.stem for path in SAMPLES.glob("*.json")}
    assert files - {"cloudwatch_logs_data"} == set(CASES)


def test_event_classes_compare_by_value_and_repr_their_fields() -> None:
    first = converter.structure(sample("sqs"), SQSEvent)
    second = converter.structure(sample("sqs"), SQSEvent)
    assert first == second and first is not second
    second.records[1].message_attributes["tenant"].string_value = "other"
    assert first != second
    assert first.records[0] != first.records[0].attributes  # another class: not equal
    assert repr(first.records[0].attributes) == (
        "SQSRecordAttributes(approximate_receive_count='1', sent_timestamp='1764586321183', "
        "sender_id='AIDAIENQZJOLO23YVJ4VO', approximate_first_receive_timestamp='1764586321185', "
        "aws_trace_header=None, sequence_number=None, message_group_id=None, "
        "message_deduplication_id=None, dead_letter_queue_source_arn=None)"
    )
    with pytest.raises(TypeError, match="unhashable"):
        hash(first)
