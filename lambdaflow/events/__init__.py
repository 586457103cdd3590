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
    "DynamoDBStreamEvent": "dynamodb",
    "DynamoDBStreamRecord": "dynamodb",
    "EventBridgeEvent": "eventbridge",
    "ScheduledEvent": "eventbridge",
    "KinesisStreamEvent": "kinesis",
    "KinesisStreamRecord": "kinesis",
    "LambdaFunctionUrlEvent": "function_url",
    "LambdaFunctionUrlResponse": "function_url",
    "S3Event": "s3",
    "S3EventRecord": "s3",
    "SNSEvent": "sns",
    "SNSEventRecord": "sns",
    "SNSMessageAttribute": "sns",
    "SQSEvent": "sqs",
    "SQSMessageAttribute": "sqs",
    "SQSRecord": "sqs",
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
    "DynamoDBStreamEvent",
    "DynamoDBStreamRecord",
    "EventBridgeEvent",
    "KinesisStreamEvent",
    "KinesisStreamRecord",
    "LambdaFunctionUrlEvent",
    "LambdaFunctionUrlResponse",
    "S3Event",
    "S3EventRecord",
    "SNSEvent",
    "SNSEventRecord",
    "SNSMessageAttribute",
    "SQSEvent",
    "SQSMessageAttribute",
    "SQSRecord",
    "ScheduledEvent",
]

if TYPE_CHECKING:
    from .alb import ALBEvent, ALBResponse
    from .api_gateway import APIGatewayProxyEvent, APIGatewayProxyResponse
    from .api_gateway_v2 import APIGatewayProxyEventV2, APIGatewayProxyResponseV2
    from .cloudwatch_logs import CloudWatchLogsDecodedData, CloudWatchLogsEvent
    from .dynamodb import DynamoDBStreamEvent, DynamoDBStreamRecord
    from .eventbridge import EventBridgeEvent, ScheduledEvent
    from .function_url import LambdaFunctionUrlEvent, LambdaFunctionUrlResponse
    from .kinesis import KinesisStreamEvent, KinesisStreamRecord
    from .s3 import S3Event, S3EventRecord
    from .sns import SNSEvent, SNSEventRecord, SNSMessageAttribute
    from .sqs import SQSEvent, SQSMessageAttribute, SQSRecord


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lambdaflow.events' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
