"""API Gateway Lambda authorizers: the events (TOKEN and REQUEST for REST APIs, payload 1.0 and
2.0 for HTTP APIs) and the answers (an IAM policy; an HTTP API's simple response).

HTTP APIs with payload format 1.0 send the REST REQUEST shape (with `version` "1.0" and
`identity_source`); format 2.0 sends `APIGatewayAuthorizerEventV2`. An HTTP API with simple
responses enabled takes `APIGatewayAuthorizerResponseV2`; every other authorizer takes the
policy, `APIGatewayAuthorizerResponse`.
"""

from __future__ import annotations

from typing import Any

from ._fields import event_class, field
from .api_gateway_v2 import RequestContextV2


@event_class
class APIGatewayAuthorizerTokenEvent:
    """A REST API TOKEN authorizer: the token header's value and the method being called."""

    type: str
    authorization_token: str = field("authorizationToken")
    method_arn: str = field("methodArn")


@event_class
class APIGatewayAuthorizerRequestEvent:
    """A REST API REQUEST authorizer, or an HTTP API authorizer with payload format 1.0."""

    type: str
    method_arn: str = field("methodArn")
    version: str | None = field(default=None)
    identity_source: str | None = field("identitySource", default=None)
    authorization_token: str | None = field("authorizationToken", default=None)
    resource: str
    path: str
    http_method: str = field("httpMethod")
    headers: dict[str, str] | None = field(default=None)
    multi_value_headers: dict[str, list[str]] | None = field("multiValueHeaders", default=None)
    query_string_parameters: dict[str, str] | None = field("queryStringParameters", default=None)
    multi_value_query_string_parameters: dict[str, list[str]] | None = field(
        "multiValueQueryStringParameters", default=None
    )
    path_parameters: dict[str, str] | None = field("pathParameters", default=None)
    stage_variables: dict[str, str] | None = field("stageVariables", default=None)
    #: As in `APIGatewayProxyEvent.request_context`, without what the authorizer decides.
    request_context: dict[str, Any] = field("requestContext")


@event_class
class APIGatewayAuthorizerEventV2:
    """An HTTP API authorizer with payload format 2.0."""

    version: str
    type: str
    route_arn: str = field("routeArn")
    identity_source: list[str] | None = field("identitySource", default=None)
    route_key: str = field("routeKey")
    raw_path: str = field("rawPath")
    raw_query_string: str = field("rawQueryString")
    cookies: list[str] | None = field(default=None)
    headers: dict[str, str] | None = field(default=None)
    query_string_parameters: dict[str, str] | None = field("queryStringParameters", default=None)
    request_context: RequestContextV2 = field("requestContext")
    path_parameters: dict[str, str] | None = field("pathParameters", default=None)
    stage_variables: dict[str, str] | None = field("stageVariables", default=None)


@event_class
class APIGatewayAuthorizerStatement:
    action: list[str] = field("Action")
    #: "Allow" or "Deny".
    effect: str = field("Effect")
    resource: list[str] = field("Resource")


@event_class
class APIGatewayAuthorizerPolicy:
    statement: list[APIGatewayAuthorizerStatement] = field("Statement")
    version: str = field("Version", default="2012-10-17", emit_default=True)


@event_class
class APIGatewayAuthorizerResponse:
    """The IAM policy answer. `context`'s values (strings, numbers, booleans) reach the
    integration as `requestContext.authorizer`; `usage_identifier_key` is the API key a usage
    plan counts, when the API takes keys from the authorizer."""

    principal_id: str = field("principalId")
    policy_document: APIGatewayAuthorizerPolicy = field("policyDocument")
    context: dict[str, Any] | None = field(default=None)
    usage_identifier_key: str | None = field("usageIdentifierKey", default=None)

    @classmethod
    def policy(
        cls,
        principal_id: str,
        effect: str,
        resources: list[str],
        context: dict[str, Any] | None = None,
    ) -> APIGatewayAuthorizerResponse:
        """One statement: `effect` ("Allow" or "Deny") execute-api:Invoke on `resources`."""
        if effect not in ("Allow", "Deny"):
            raise ValueError(f"effect is Allow or Deny, not {effect!r}")
        statement = APIGatewayAuthorizerStatement(
            action=["execute-api:Invoke"], effect=effect, resource=list(resources)
        )
        return cls(
            principal_id=principal_id,
            policy_document=APIGatewayAuthorizerPolicy(statement=[statement]),
            context=context,
        )


@event_class
class APIGatewayAuthorizerResponseV2:
    """An HTTP API's simple response (payload 2.0, simple responses enabled)."""

    is_authorized: bool = field("isAuthorized")
    context: dict[str, Any] | None = field(default=None)
