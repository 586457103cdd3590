"""AWS CloudFormation custom resources: the Create/Update/Delete request, and the response
CloudFormation waits for, PUT to the request's presigned `response_url` (not returned).

    @app.handler
    def handle(event: CloudFormationCustomResourceEvent) -> None:
        ...
        event.respond("SUCCESS", physical_resource_id="db-1", data={"Endpoint": host})

The PUT is what AWS's `cfn-response` module sends: the JSON body, and an empty Content-Type,
because the URL's signature was made without one (any other type fails with 403). Until it
arrives, the stack waits (up to an hour), so a handler must answer FAILED on its errors too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..framework.codec import encode
from ._fields import event_class, field

#: CloudFormation refuses a response body over 4 KiB.
MAX_RESPONSE_BYTES = 4096


@event_class
class CloudFormationCustomResourceEvent:
    #: "Create", "Update" or "Delete".
    request_type: str = field("RequestType")
    service_token: str | None = field("ServiceToken", default=None)
    response_url: str = field("ResponseURL")
    stack_id: str = field("StackId")
    request_id: str = field("RequestId")
    logical_resource_id: str = field("LogicalResourceId")
    #: Absent for Create: the response names it.
    physical_resource_id: str | None = field("PhysicalResourceId", default=None)
    resource_type: str = field("ResourceType")
    resource_properties: dict[str, Any] | None = field("ResourceProperties", default=None)
    #: Update only: the properties before the update.
    old_resource_properties: dict[str, Any] | None = field(
        "OldResourceProperties", default=None
    )

    def response(
        self,
        status: str,
        *,
        physical_resource_id: str | None = None,
        reason: str | None = None,
        data: dict[str, Any] | None = None,
        no_echo: bool = False,
    ) -> CloudFormationCustomResourceResponse:
        """The answer to this request. The physical id defaults to the request's own (Update,
        Delete; changing it on Update makes CloudFormation delete the old resource) and, for
        Create, to the logical id."""
        if status not in ("SUCCESS", "FAILED"):
            raise ValueError(f"status is SUCCESS or FAILED, not {status!r}")
        return CloudFormationCustomResourceResponse(
            status=status,
            reason=reason,
            physical_resource_id=physical_resource_id
            or self.physical_resource_id
            or self.logical_resource_id,
            stack_id=self.stack_id,
            request_id=self.request_id,
            logical_resource_id=self.logical_resource_id,
            no_echo=no_echo,
            data=data,
        )

    def respond(self, status: str, *, timeout: float = 10.0, **fields: Any) -> None:
        """Build the response (`response`'s arguments) and PUT it to `response_url`."""
        send_response(self.response_url, self.response(status, **fields), timeout=timeout)


@event_class
class CloudFormationCustomResourceResponse:
    status: str = field("Status")
    #: Required with FAILED: CloudFormation shows it as the resource's status reason.
    reason: str | None = field("Reason", default=None)
    physical_resource_id: str = field("PhysicalResourceId")
    stack_id: str = field("StackId")
    request_id: str = field("RequestId")
    logical_resource_id: str = field("LogicalResourceId")
    no_echo: bool = field("NoEcho", default=False, emit_default=True)
    #: Values `Fn::GetAtt` reads from the resource.
    data: dict[str, Any] | None = field("Data", default=None)


def send_response(
    response_url: str, response: CloudFormationCustomResourceResponse, *, timeout: float = 10.0
) -> None:
    """PUT `response` to the presigned `response_url`; an answer other than 2xx raises."""
    body = encode(response)
    if len(body) > MAX_RESPONSE_BYTES:
        raise ValueError(
            f"the response is {len(body)} bytes; CloudFormation takes at most "
            f"{MAX_RESPONSE_BYTES} (put less in data)"
        )
    import http.client  # only a custom resource handler sends one

    url = urlsplit(response_url)
    if url.scheme not in ("https", "http") or not url.hostname:
        raise ValueError(f"ResponseURL is no http(s) URL: {response_url[:80]!r}")
    connection_class = (
        http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(url.hostname, url.port, timeout=timeout)
    target = url.path or "/"
    if url.query:
        target = f"{target}?{url.query}"
    try:
        connection.request(
            "PUT", target, body, {"Content-Type": "", "Content-Length": str(len(body))}
        )
        reply = connection.getresponse()
        reply.read()
    finally:
        connection.close()
    if not 200 <= reply.status < 300:
        raise RuntimeError(
            f"CloudFormation's response URL answered {reply.status} {reply.reason[:80]!r}"
        )
