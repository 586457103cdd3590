"""The event sources added for issue 21, beyond parsing their published samples
(test_published_samples): the helpers that decode or build what AWS expects back."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from lambdaflow import App, events
from lambdaflow.framework.codec import converter
from lambdaflow.testing import LambdaTestClient

from . import published
from .test_lazy_import import event_modules_after

GO = published.SAMPLES / "aws-lambda-go"
POWERTOOLS = published.SAMPLES / "powertools"


def parsed(path: Path):
    cls, sent = published.load(path)
    return converter.structure(sent, cls), sent


def test_kafka_records_decode_keys_values_and_headers():
    event, sent = parsed(GO / "kafka-event.json")
    [raw] = sent["records"]["AWSKafkaTopic-0"]
    [record] = event.records
    assert record.topic == raw["topic"]
    assert record.decoded_value == base64.b64decode(raw["value"])
    assert record.decoded_key == base64.b64decode(raw["key"])
    [header] = raw["headers"]
    [(name, value)] = header.items()
    assert value == [118, -36, 0, 127, -128]  # Java's signed bytes
    assert record.decoded_headers == {name: b"\x76\xdc\x00\x7f\x80"}
    self_managed, _ = parsed(POWERTOOLS / "kafkaEventSelfManaged.json")
    assert self_managed.event_source_arn is None
    assert len(self_managed.records) == sum(
        len(batch) for batch in self_managed.records_by_partition.values()
    )


def test_kafka_tombstone_and_keyless_records():
    record = converter.structure(
        {"topic": "t", "partition": 0, "offset": 1, "timestamp": 1, "timestampType": "CREATE_TIME",
         "value": None, "headers": None},
        events.KafkaEventRecord,
    )
    assert (record.decoded_key, record.decoded_value, record.decoded_headers) == (None, None, {})


def test_firehose_transformation_round_trip_through_a_handler():
    app = App()

    @app.handler
    def transform(event: events.KinesisFirehoseEvent) -> events.KinesisFirehoseResponse:
        return events.KinesisFirehoseResponse(records=[
            events.KinesisFirehoseResponseRecord.ok(r.record_id, r.data_as_bytes.upper())
            for r in event.records
        ])

    _, sent = published.load(GO / "kinesis-firehose-event.json")
    with LambdaTestClient(app) as client:
        answer = json.loads(client.invoke(sent).body)

    assert answer == {"records": [
        {"recordId": r["recordId"], "result": "Ok",
         "data": base64.b64encode(base64.b64decode(r["data"]).upper()).decode()}
        for r in sent["records"]
    ]}


def test_authorizer_policy_has_the_published_response_shape():
    _, published_response = published.load(GO / "apigw-custom-auth-response.json")
    statement = published_response["policyDocument"]["Statement"][0]
    response = events.APIGatewayAuthorizerResponse.policy(
        published_response["principalId"], "Allow", statement["Resource"],
        context=published_response["context"],
    )
    response.usage_identifier_key = published_response["usageIdentifierKey"]
    built = converter.unstructure(response, events.APIGatewayAuthorizerResponse)
    statement["Effect"] = "Allow"  # the sample shows the choice as "Allow|Deny"
    assert built == published_response
    with pytest.raises(ValueError, match="Allow or Deny"):
        events.APIGatewayAuthorizerResponse.policy("p", "allow", ["*"])
    simple = events.APIGatewayAuthorizerResponseV2(is_authorized=True, context={"user": "u1"})
    assert converter.unstructure(simple, events.APIGatewayAuthorizerResponseV2) == {
        "isAuthorized": True, "context": {"user": "u1"}
    }


def test_cognito_trigger_answer_is_the_event_with_its_response():
    app = App()

    @app.handler
    def pre_sign_up(event: events.PreSignUpTriggerEvent) -> events.PreSignUpTriggerEvent:
        event.response.auto_confirm_user = event.request.user_attributes["email"].endswith(
            "@example.com"
        )
        return event

    _, sent = published.load(POWERTOOLS / "cognitoPreSignUpEvent.json")
    sent["request"]["userAttributes"]["email"] = "a@example.com"
    with LambdaTestClient(app) as client:
        answer = json.loads(client.invoke(sent).body)
    assert answer["response"] == {"autoConfirmUser": True}
    assert answer["userPoolId"] == sent["userPoolId"]
    assert answer["request"] == sent["request"]


def test_bedrock_agent_response_echoes_the_call():
    event, sent = parsed(POWERTOOLS / "bedrockAgentEvent.json")
    answer = converter.unstructure(event.response(200, '{"ok": true}'), events.BedrockAgentResponse)
    assert answer == {
        "messageVersion": sent["messageVersion"],
        "response": {
            "actionGroup": sent["actionGroup"], "apiPath": sent["apiPath"],
            "httpMethod": sent["httpMethod"], "httpStatusCode": 200,
            "responseBody": {"application/json": {"body": '{"ok": true}'}},
        },
        "sessionAttributes": {}, "promptSessionAttributes": {},
    }


class ResponseUrl:
    """A presigned-URL stand-in on loopback: records each PUT and answers `status`."""

    def __init__(self, status: int = 200) -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.requests.append((self.command, self.path, dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cfn/response?X-Amz-Signature=abc"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def response_url():
    servers: list[ResponseUrl] = []

    def start(status: int = 200) -> ResponseUrl:
        servers.append(ResponseUrl(status))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_cloudformation_response_is_put_as_cfn_response_puts_it(response_url):
    server = response_url()
    _, sent = published.load(POWERTOOLS / "cloudformationCustomResourceCreate.json")
    sent["ResponseURL"] = server.url
    event = converter.structure(sent, events.CloudFormationCustomResourceEvent)
    event.respond("SUCCESS", data={"Endpoint": "db.internal"})
    [(method, path, headers, body)] = server.requests
    assert (method, path) == ("PUT", "/cfn/response?X-Amz-Signature=abc")
    assert headers["Content-Type"] == ""  # the URL was signed without one
    assert json.loads(body) == {
        "Status": "SUCCESS", "PhysicalResourceId": sent["LogicalResourceId"],
        "StackId": sent["StackId"], "RequestId": sent["RequestId"],
        "LogicalResourceId": sent["LogicalResourceId"], "NoEcho": False,
        "Data": {"Endpoint": "db.internal"},
    }


def test_cloudformation_response_refusals(response_url):
    _, sent = published.load(POWERTOOLS / "cloudformationCustomResourceUpdate.json")
    sent["ResponseURL"] = response_url(403).url
    event = converter.structure(sent, events.CloudFormationCustomResourceEvent)
    assert event.response("FAILED", reason="x").physical_resource_id == sent["PhysicalResourceId"]
    with pytest.raises(RuntimeError, match="answered 403"):
        event.respond("FAILED", reason="quota")
    with pytest.raises(ValueError, match="at most 4096"):
        event.respond("SUCCESS", data={"blob": "x" * 5000})
    with pytest.raises(ValueError, match="SUCCESS or FAILED"):
        event.response("OK")


@pytest.mark.parametrize(
    ("name", "modules"),
    [
        ("KafkaEvent", ["_encoded", "kafka"]),
        ("CloudFormationCustomResourceEvent", ["cloudformation"]),
        (
            "APIGatewayAuthorizerEventV2",
            ["_encoded", "_http", "api_gateway_authorizer", "api_gateway_v2"],
        ),
        ("PreSignUpTriggerEvent", ["cognito_user_pool"]),
    ],
)
def test_a_new_source_loads_only_its_module(name: str, modules: list[str]) -> None:
    loaded = event_modules_after(f"from lambdaflow.events import {name}")
    assert loaded == sorted(
        ["lambdaflow.events", "lambdaflow.events._fields",
         *(f"lambdaflow.events.{m}" for m in modules)]
    )
