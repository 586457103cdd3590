"""API Gateway WebSocket APIs: the event of a $connect, $disconnect or message route.

`request_context.event_type` says which (CONNECT, DISCONNECT, MESSAGE); `connection_id` is what
a reply through the @connections API is addressed to. The route's answer has the REST shape
(`APIGatewayProxyResponse`); only $connect's status code matters to the caller.
"""

from __future__ import annotations

from typing import Any

from ._fields import event_class, field
from ._http import body_bytes
from .api_gateway import APIGatewayEventIdentity


@event_class
class APIGatewayWebSocketRequestContext:
    api_id: str = field("apiId")
    connected_at: int = field("connectedAt")
    connection_id: str = field("connectionId")
    domain_name: str = field("domainName")
    event_type: str = field("eventType")
    extended_request_id: str | None = field("extendedRequestId", default=None)
    message_direction: str = field("messageDirection")
    message_id: str | None = field("messageId", default=None)
    request_id: str = field("requestId")
    request_time: str | None = field("requestTime", default=None)
    request_time_epoch: int = field("requestTimeEpoch")
    route_key: str = field("routeKey")
    stage: str
    identity: APIGatewayEventIdentity
    #: What a $connect route's authorizer returned.
    authorizer: dict[str, Any] | None = field(default=None)
    #: $disconnect: the close frame's status code and reason.
    disconnect_status_code: int | None = field("disconnectStatusCode", default=None)
    disconnect_reason: str | None = field("disconnectReason", default=None)


@event_class
class APIGatewayWebSocketEvent:
    """Headers and query parameters come with $connect only; a message's payload is `body`."""

    request_context: APIGatewayWebSocketRequestContext = field("requestContext")
    headers: dict[str, str] | None = field(default=None)
    multi_value_headers: dict[str, list[str]] | None = field("multiValueHeaders", default=None)
    query_string_parameters: dict[str, str] | None = field("queryStringParameters", default=None)
    multi_value_query_string_parameters: dict[str, list[str]] | None = field(
        "multiValueQueryStringParameters", default=None
    )
    stage_variables: dict[str, str] | None = field("stageVariables", default=None)
    body: str | None = field(default=None)
    is_base64_encoded: bool = field("isBase64Encoded", default=False)

    def body_bytes(self) -> bytes:
        """The message as the client sent it (base64 undone for binary frames)."""
        return body_bytes(self.body, self.is_base64_encoded)
