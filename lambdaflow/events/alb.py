"""Application Load Balancer targets: the request event and the response ALB expects.

A target group with multi-value headers enabled sends `multi_value_headers` and
`multi_value_query_string_parameters` instead of the single-value dicts, and needs
`multi_value_headers` back in the response.
"""

from __future__ import annotations

from ._fields import event_class, field
from ._http import body_bytes


@event_class
class ALBElb:
    target_group_arn: str = field("targetGroupArn")


@event_class
class ALBRequestContext:
    elb: ALBElb


@event_class
class ALBEvent:
    request_context: ALBRequestContext = field("requestContext")
    http_method: str = field("httpMethod")
    path: str
    query_string_parameters: dict[str, str] | None = field("queryStringParameters", default=None)
    multi_value_query_string_parameters: dict[str, list[str]] | None = field(
        "multiValueQueryStringParameters", default=None
    )
    headers: dict[str, str] | None = field(default=None)
    multi_value_headers: dict[str, list[str]] | None = field("multiValueHeaders", default=None)
    body: str
    is_base64_encoded: bool = field("isBase64Encoded")

    def body_bytes(self) -> bytes:
        """The request body as the client sent it (base64 undone for binary content)."""
        return body_bytes(self.body, self.is_base64_encoded)


@event_class
class ALBResponse:
    """`status_description` is the status line's text, "200 OK"; ALB sends its own if absent."""

    status_code: int = field("statusCode")
    status_description: str | None = field("statusDescription", default=None)
    headers: dict[str, str] | None = field(default=None)
    multi_value_headers: dict[str, list[str]] | None = field("multiValueHeaders", default=None)
    body: str = ""
    is_base64_encoded: bool = field("isBase64Encoded", default=False, emit_default=True)
