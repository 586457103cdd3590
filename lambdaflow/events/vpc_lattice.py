"""Amazon VPC Lattice: a request to a Lambda target group (event structure v1 or v2) and the
response, which has ALB's shape.

v1 sends snake_case keys and single values; v2 (`version` "2.0") sends camelCase keys, the
caller's identity in `request_context`, and header and query values as lists (AWS's format;
some published samples carry strings, so the values are kept as sent).
"""

from __future__ import annotations

from typing import Any

from ._fields import event_class, field
from ._http import body_bytes
from .alb import ALBResponse


@event_class
class VPCLatticeEvent:
    raw_path: str
    method: str
    headers: dict[str, str]
    query_string_parameters: dict[str, str] | None = field(default=None)
    body: str | None = field(default=None)
    is_base64_encoded: bool = False

    def body_bytes(self) -> bytes:
        return body_bytes(self.body, self.is_base64_encoded)


@event_class
class VPCLatticeV2RequestContextIdentity:
    source_vpc_arn: str | None = field("sourceVpcArn", default=None)
    #: "AWS_IAM" or "NONE".
    type: str | None = field(default=None)
    principal: str | None = field(default=None)
    principal_org_id: str | None = field("principalOrgID", default=None)
    session_name: str | None = field("sessionName", default=None)
    x509_subject_cn: str | None = field("X509SubjectCn", default=None)
    x509_issuer_ou: str | None = field("X509IssuerOu", default=None)
    x509_san_dns: str | None = field("x509SanDns", default=None)
    x509_san_uri: str | None = field("X509SanUri", default=None)
    x509_san_name_cn: str | None = field("X509SanNameCn", default=None)


@event_class
class VPCLatticeV2RequestContext:
    service_network_arn: str = field("serviceNetworkArn")
    service_arn: str = field("serviceArn")
    target_group_arn: str = field("targetGroupArn")
    identity: VPCLatticeV2RequestContextIdentity
    region: str
    #: Microseconds since the epoch, as a string.
    time_epoch: str = field("timeEpoch")


@event_class
class VPCLatticeEventV2:
    version: str
    path: str
    method: str
    headers: dict[str, Any]
    query_string_parameters: dict[str, Any] | None = field("queryStringParameters", default=None)
    body: str | None = field(default=None)
    is_base64_encoded: bool = field("isBase64Encoded", default=False)
    request_context: VPCLatticeV2RequestContext = field("requestContext")

    def body_bytes(self) -> bytes:
        return body_bytes(self.body, self.is_base64_encoded)


@event_class
class VPCLatticeResponse(ALBResponse):
    """`status_code`, `status_description`, `headers`, `body`, `is_base64_encoded`."""
