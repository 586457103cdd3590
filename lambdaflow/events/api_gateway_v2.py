"""API Gateway HTTP APIs (payload format 2.0): the proxy integration's event and response.

Keys with no value are absent in this format, and are left out again when unstructured.
"""

from __future__ import annotations

from typing import Any

from ._fields import event_class, field
from ._http import body_bytes


@event_class
class RequestContextV2Http:
    method: str
    path: str
    protocol: str
    source_ip: str = field("sourceIp")
    user_agent: str = field("userAgent")


@event_class
class RequestContextV2:
    account_id: str = field("accountId")
    api_id: str = field("apiId")
    #: mTLS: the client certificate (`clientCert`), when the domain requires one.
    authentication: dict[str, Any] | None = field(default=None)
    #: `{"jwt": {"claims": ..., "scopes": ...}}`, `{"lambda": ...}` or `{"iam": ...}`.
    authorizer: dict[str, Any] | None = field(default=None)
    domain_name: str = field("domainName")
    domain_prefix: str = field("domainPrefix")
    http: RequestContextV2Http
    request_id: str = field("requestId")
    route_key: str = field("routeKey")
    stage: str
    time: str
    time_epoch: int = field("timeEpoch")


@event_class
class APIGatewayProxyEventV2:
    version: str
    route_key: str = field("routeKey")
    raw_path: str = field("rawPath")
    raw_query_string: str = field("rawQueryString")
    cookies: list[str] | None = field(default=None)
    #: Repeated headers arrive joined with commas.
    headers: dict[str, str] | None = field(default=None)
    query_string_parameters: dict[str, str] | None = field("queryStringParameters", default=None)
    request_context: RequestContextV2 = field("requestContext")
    body: str | None = field(default=None)
    path_parameters: dict[str, str] | None = field("pathParameters", default=None)
    is_base64_encoded: bool = field("isBase64Encoded")
    stage_variables: dict[str, str] | None = field("stageVariables", default=None)

    def body_bytes(self) -> bytes:
        """The request body as the client sent it (base64 undone for binary content)."""
        return body_bytes(self.body, self.is_base64_encoded)


@event_class
class APIGatewayProxyResponseV2:
    """The handler's answer; cookies go in `cookies`, not in a Set-Cookie header."""

    status_code: int = field("statusCode")
    headers: dict[str, str] | None = field(default=None)
    cookies: list[str] | None = field(default=None)
    body: str | None = field(default=None)
    is_base64_encoded: bool | None = field("isBase64Encoded", default=None)
