"""Typed AWS event sources: attrs classes lambdaflow's codec structures from the events' JSON.

    from lambdaflow.events import SQSEvent

    @app.handler
    def handle(event: SQSEvent) -> dict: ...

Field names are Python's (`record.message_id`); AWS's keys (`messageId`) are mapped, and keys
AWS adds later are ignored. Each source is its own module, imported when one of its names is
first used (PEP 562): an SQS function never loads, or builds converters for, API Gateway's.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ALBEvent": "alb",
    "ALBResponse": "alb",
    "APIGatewayProxyEvent": "api_gateway",
    "APIGatewayProxyResponse": "api_gateway",
    "APIGatewayProxyEventV2": "api_gateway_v2",
    "APIGatewayProxyResponseV2": "api_gateway_v2",
    "CloudWatchLogsDecodedData": "cloudwatch_logs",
    "CloudWatchLogsEvent": "cloudwatch_logs",
    "CloudWatchLogsLogEvent": "cloudwatch_logs",
    "DynamoDBStreamEvent": "dynamodb",
    "DynamoDBStreamRecord": "dynamodb",
    "StreamRecord": "dynamodb",
    "EventBridgeEvent": "eventbridge",
    "ScheduledEvent": "eventbridge",
    "LambdaFunctionUrlEvent": "function_url",
    "LambdaFunctionUrlResponse": "function_url",
    "KinesisStreamEvent": "kinesis",
    "KinesisStreamRecord": "kinesis",
    "KinesisStreamRecordPayload": "kinesis",
    "S3Event": "s3",
    "S3EventRecord": "s3",
    "S3Object": "s3",
    "SNSEvent": "sns",
    "SNSEventRecord": "sns",
    "SNSMessage": "sns",
    "SNSMessageAttribute": "sns",
    "SQSEvent": "sqs",
    "SQSMessageAttribute": "sqs",
    "SQSRecord": "sqs",
    "SQSRecordAttributes": "sqs",
}

__all__ = [
    "ALBEvent",
    "ALBResponse",
    "APIGatewayProxyEvent",
    "APIGatewayProxyEventV2",
    "APIGatewayProxyResponse",
    "APIGatewayProxyResponseV2",
    "CloudWatchLogsDecodedData",
    "CloudWatchLogsEvent",
    "CloudWatchLogsLogEvent",
    "DynamoDBStreamEvent",
    "DynamoDBStreamRecord",
    "EventBridgeEvent",
    "KinesisStreamEvent",
    "KinesisStreamRecord",
    "KinesisStreamRecordPayload",
    "LambdaFunctionUrlEvent",
    "LambdaFunctionUrlResponse",
    "S3Event",
    "S3EventRecord",
    "S3Object",
    "SNSEvent",
    "SNSEventRecord",
    "SNSMessage",
    "SNSMessageAttribute",
    "SQSEvent",
    "SQSMessageAttribute",
    "SQSRecord",
    "SQSRecordAttributes",
    "ScheduledEvent",
    "StreamRecord",
]

if TYPE_CHECKING:
    from .alb import ALBEvent, ALBResponse
    from .api_gateway import APIGatewayProxyEvent, APIGatewayProxyResponse
    from .api_gateway_v2 import APIGatewayProxyEventV2, APIGatewayProxyResponseV2
    from .cloudwatch_logs import (
        CloudWatchLogsDecodedData,
        CloudWatchLogsEvent,
        CloudWatchLogsLogEvent,
    )
    from .dynamodb import DynamoDBStreamEvent, DynamoDBStreamRecord, StreamRecord
    from .eventbridge import EventBridgeEvent, ScheduledEvent
    from .function_url import LambdaFunctionUrlEvent, LambdaFunctionUrlResponse
    from .kinesis import KinesisStreamEvent, KinesisStreamRecord, KinesisStreamRecordPayload
    from .s3 import S3Event, S3EventRecord, S3Object
    from .sns import SNSEvent, SNSEventRecord, SNSMessage, SNSMessageAttribute
    from .sqs import SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lambdaflow.events' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
