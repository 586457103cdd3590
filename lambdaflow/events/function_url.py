"""Lambda function URLs: the same event and response shapes as API Gateway's payload 2.0.

The differences are in values: `route_key` is "$default", the domain is the URL's, and the
authorizer, when the URL uses AWS_IAM auth, is `{"iam": {...}}`.
"""

from __future__ import annotations

from ._fields import event_class
from .api_gateway_v2 import APIGatewayProxyEventV2, APIGatewayProxyResponseV2


@event_class
class LambdaFunctionUrlEvent(APIGatewayProxyEventV2):
    pass


@event_class
class LambdaFunctionUrlResponse(APIGatewayProxyResponseV2):
    pass
