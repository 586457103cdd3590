"""Lambda function URLs: the same event and response shapes as API Gateway's payload 2.0.

The differences: a URL has no route or stage, so `route_key` and the request context's
`route_key` and `stage` may be absent (Lambda sends "$default"; AWS's documented samples leave
them out); the domain is the URL's; the authorizer, with AWS_IAM auth, is `{"iam": {...}}`.
"""

from __future__ import annotations

from ._fields import event_class, field
from .api_gateway_v2 import APIGatewayProxyEventV2, APIGatewayProxyResponseV2, RequestContextV2


@event_class
class LambdaFunctionUrlRequestContext(RequestContextV2):
    route_key: str | None = field("routeKey", default=None)
    stage: str | None = field(default=None)


@event_class
class LambdaFunctionUrlEvent(APIGatewayProxyEventV2):
    route_key: str | None = field("routeKey", default=None)
    request_context: LambdaFunctionUrlRequestContext = field("requestContext")


@event_class
class LambdaFunctionUrlResponse(APIGatewayProxyResponseV2):
    pass
