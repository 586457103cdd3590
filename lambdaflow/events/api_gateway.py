"""API Gateway REST APIs (payload format 1.0): the Lambda proxy integration's event and response.

Keys with no value come as `null`, not absent, in this format, and go out the same way.
"""

from __future__ import annotations

from typing import Any

from ._fields import event_class, field
from ._http import body_bytes


@event_class
class APIGatewayEventIdentity:
    """Who called: IAM and Cognito fields are null unless that authorization was used."""

    access_key: str | None = field("accessKey", default=None, emit_default=True)
    account_id: str | None = field("accountId", default=None, emit_default=True)
    api_key: str | None = field("apiKey", default=None)
    api_key_id: str | None = field("apiKeyId", default=None)
    caller: str | None = field(default=None, emit_default=True)
    cognito_authentication_provider: str | None = field(
        "cognitoAuthenticationProvider", default=None, emit_default=True
    )
    cognito_authentication_type: str | None = field(
        "cognitoAuthenticationType", default=None, emit_default=True
    )
    cognito_identity_id: str | None = field("cognitoIdentityId", default=None, emit_default=True)
    cognito_identity_pool_id: str | None = field(
        "cognitoIdentityPoolId", default=None, emit_default=True
    )
    principal_org_id: str | None = field("principalOrgId", default=None, emit_default=True)
    source_ip: str = field("sourceIp")
    user: str | None = field(default=None, emit_default=True)
    user_agent: str | None = field("userAgent", default=None, emit_default=True)
    user_arn: str | None = field("userArn", default=None, emit_default=True)
    client_cert: dict[str, Any] | None = field("clientCert", default=None)


@event_class
class APIGatewayEventRequestContext:
    account_id: str = field("accountId")
    api_id: str = field("apiId")
    #: What the authorizer returned (Cognito claims, a Lambda authorizer's context...).
    authorizer: dict[str, Any] | None = field(default=None)
    domain_name: str | None = field("domainName", default=None)
    domain_prefix: str | None = field("domainPrefix", default=None)
    extended_request_id: str | None = field("extendedRequestId", default=None)
    http_method: str = field("httpMethod")
    identity: APIGatewayEventIdentity
    path: str
    protocol: str | None = field(default=None)
    request_id: str = field("requestId")
    request_time: str | None = field("requestTime", default=None)
    request_time_epoch: int = field("requestTimeEpoch")
    #: null in HTTP APIs' payload format 1.0 and in some REST API events (AWS documents it).
    resource_id: str | None = field("resourceId", default=None, emit_default=True)
    resource_path: str = field("resourcePath")
    #: null in the events `sam local start-api` sends.
    stage: str | None = field(default=None, emit_default=True)


@event_class
class APIGatewayProxyEvent:
    resource: str
    path: str
    http_method: str = field("httpMethod")
    headers: dict[str, str] | None = field(default=None, emit_default=True)
    multi_value_headers: dict[str, list[str]] | None = field(
        "multiValueHeaders", default=None, emit_default=True
    )
    query_string_parameters: dict[str, str] | None = field(
        "queryStringParameters", default=None, emit_default=True
    )
    multi_value_query_string_parameters: dict[str, list[str]] | None = field(
        "multiValueQueryStringParameters", default=None, emit_default=True
    )
    request_context: APIGatewayEventRequestContext = field("requestContext")
    path_parameters: dict[str, str] | None = field(
        "pathParameters", default=None, emit_default=True
    )
    stage_variables: dict[str, str] | None = field(
        "stageVariables", default=None, emit_default=True
    )
    body: str | None = field(default=None, emit_default=True)
    is_base64_encoded: bool = field("isBase64Encoded", default=False, emit_default=True)

    def body_bytes(self) -> bytes:
        """The request body as the client sent it (base64 undone for binary media types)."""
        return body_bytes(self.body, self.is_base64_encoded)


@event_class
class APIGatewayProxyResponse:
    """The handler's answer; a binary body goes base64-encoded with `is_base64_encoded`."""

    status_code: int = field("statusCode")
    headers: dict[str, str] | None = field(default=None)
    multi_value_headers: dict[str, list[str]] | None = field("multiValueHeaders", default=None)
    body: str = ""
    is_base64_encoded: bool = field("isBase64Encoded", default=False, emit_default=True)
