"""AWS's published sample events (vendored under samples/<collection>/, each collection with its
licence) and the lambdaflow.events class each one is, by file name.

`python -m tests.events.published` prints how many parse, per source and collection.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from lambdaflow import events
from lambdaflow.framework.codec import converter

SAMPLES = Path(__file__).parent / "samples"
COLLECTIONS = ("aws-lambda-go", "powertools", "sam-cli")

#: (collection, file name pattern, class name); the first match wins.
_RULES = [
    (r"^apigateway-authorizer", "APIGatewayAuthorizerTokenEvent"),
    (r"^apigateway-request-authorizer", "APIGatewayAuthorizerRequestEvent"),
    (r"^apigateway-aws-proxy", "APIGatewayProxyEvent"),
    (r"^apigateway-http-api-proxy", "APIGatewayProxyEventV2"),
    (r"scheduled-event", "ScheduledEvent"),
    (r"alb-lambda-target-response", "ALBResponse"),
    (r"alb|ALB", "ALBEvent"),
    (r"apigw-custom-auth-response", "APIGatewayAuthorizerResponse"),
    (r"apigw-custom-auth-request\.|apiGatewayAuthorizerTokenEvent",
     "APIGatewayAuthorizerTokenEvent"),
    (r"apigw-custom-auth-request-type|apigw-v2-custom-authorizer-v1|AuthorizerRequestEvent",
     "APIGatewayAuthorizerRequestEvent"),
    (r"apigw-v2-custom-authorizer-v2|apiGatewayAuthorizerV2Event",
     "APIGatewayAuthorizerEventV2"),
    (r"apigw-websocket", "APIGatewayWebSocketEvent"),
    (r"apigw-response", "APIGatewayProxyResponse"),
    (r"apigw-v2-request|apiGatewayProxyV2", "APIGatewayProxyEventV2"),
    (r"apigw-request|apigw-restapi|apiGatewayProxy|apigatewaye", "APIGatewayProxyEvent"),
    (r"bedrockAgent", "BedrockAgentEvent"),
    (r"cloudformation|CloudFormation", "CloudFormationCustomResourceEvent"),
    (r"kinesisStream", "KinesisStreamEvent"),
    (r"cloudwatch-logs|cloudWatchLog|CloudWatchLogs", "CloudWatchLogsEvent"),
    (r"cognito-event-userpools-presignup|cognitoPreSignUp", "PreSignUpTriggerEvent"),
    (r"cognito-event-userpools-postconfirmation|cognitoPostConfirmation",
     "PostConfirmationTriggerEvent"),
    (r"cognito-event-userpools-preauthentication|cognitoPreAuthentication",
     "PreAuthenticationTriggerEvent"),
    (r"cognito-event-userpools-postauthentication|cognitoPostAuthentication",
     "PostAuthenticationTriggerEvent"),
    (r"cognito-event-userpools-pretokengen-v2|cognitoPreTokenV2",
     "PreTokenGenerationV2TriggerEvent"),
    (r"cognito-event-userpools-pretokengen|cognitoPreTokenGeneration",
     "PreTokenGenerationTriggerEvent"),
    (r"cognito-event-userpools-migrateuser|cognitoUserMigration", "UserMigrationTriggerEvent"),
    (r"cognito-event-userpools-custommessage|cognitoCustomMessage", "CustomMessageTriggerEvent"),
    (r"cognito-event-userpools-define-auth|cognitoDefineAuth", "DefineAuthChallengeTriggerEvent"),
    (r"cognito-event-userpools-create-auth|cognitoCreateAuth", "CreateAuthChallengeTriggerEvent"),
    (r"cognito-event-userpools-verify-auth|cognitoVerifyAuth",
     "VerifyAuthChallengeResponseTriggerEvent"),
    (r"cognito-event-userpools-inbound-federation", "InboundFederationTriggerEvent"),
    (r"dynamo|DynamoDB", "DynamoDBStreamEvent"),
    (r"kafka|Kafka", "KafkaEvent"),
    (r"kinesis-firehose-response", "KinesisFirehoseResponse"),
    (r"firehose|Firehose", "KinesisFirehoseEvent"),
    (r"kinesis|Kinesis", "KinesisStreamEvent"),
    (r"lambda-urls-response", "LambdaFunctionUrlResponse"),
    (r"lambda-urls-request|lambdaFunctionUrl", "LambdaFunctionUrlEvent"),
    (r"secretsmanager|secretsManager", "SecretsManagerEvent"),
    (r"ses|SES", "SESEvent"),
    (r"s3EventBridge|autoscaling|codebuild|codedeploy|codepipeline|ecr-|ecs-|eventBridge",
     "EventBridgeEvent"),
    (r"SqsEvent|sqs|Sqs|SQS", "SQSEvent"),
    (r"s3|S3", "S3Event"),
    (r"sns|SNS", "SNSEvent"),
    (r"vpcLatticeV2|vpcLatticeEventV2", "VPCLatticeEventV2"),
    (r"vpcLattice", "VPCLatticeEvent"),
]


def samples() -> list[Path]:
    return sorted(p for c in COLLECTIONS for p in (SAMPLES / c).glob("*.json"))


def class_name(path: Path) -> str | None:
    return next((name for rule, name in _RULES if re.search(rule, path.name)), None)


def load(path: Path) -> tuple[type, Any]:
    name = class_name(path)
    if name is None:
        raise LookupError(f"{path.name}: no rule in tests/events/published.py")
    return getattr(events, name), json.loads(path.read_bytes())


def table() -> str:
    totals: Counter[tuple[str, str]] = Counter()
    parsed: Counter[tuple[str, str]] = Counter()
    for path in samples():
        cls, value = load(path)
        key = (cls.__name__, path.parent.name)
        totals[key] += 1
        try:
            converter.structure(value, cls)
        except Exception:
            continue
        parsed[key] += 1
    rows = ["| class | " + " | ".join(COLLECTIONS) + " |", "|---|" + "---:|" * len(COLLECTIONS)]
    for name in sorted({n for n, _ in totals}):
        cells = [
            f"{parsed[name, c]}/{totals[name, c]}" if totals[name, c] else ""
            for c in COLLECTIONS
        ]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    rows.append(f"| all | {sum(parsed.values())}/{sum(totals.values())} |")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.stdout.write(table() + "\n")
