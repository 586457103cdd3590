"""One invocation as it travels from the invoke endpoint through the runtime and back."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.emulator.routes import rie_responses

if TYPE_CHECKING:
    from lambdaflow.emulator.routes.streaming_callers import StreamingCaller


def new_trace_id() -> str:
    """A valid X-Ray trace header, for callers that send none (the RIE sends nothing)."""
    random = os.urandom(20).hex()  # one getrandom call for both ids
    return f"Root=1-{int(time.time()):08x}-{random[:24]};Parent={random[24:]};Sampled=0"


@dataclass(slots=True, eq=False)
class PendingInvoke:
    """The event, the metadata the runtime sees, and the caller's pending answer."""

    payload: bytes
    answer: Deferred
    #: The caller's X-Ray trace header, or a new one (the RIE sends none).
    trace_id: str = field(default_factory=new_trace_id)
    client_context: str | None = None
    tenant_id: str | None = None
    capture_log: bool = False
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: bool = False
    delivered_at: float | None = None
    responded_at: float | None = None
    #: What the caller will get, held until it may go out (see InvocationLog).
    caller_answer: HttpResponse | None = None
    #: Set for a caller that gets the answer as it arrives (InvokeWithResponseStream, a
    #: Function URL); None for the classic invoke, answered whole.
    streaming_caller: StreamingCaller | None = None

    def as_next_response(self, deadline_ms: int, function_arn: str) -> HttpResponse:
        """The answer to the runtime's ``/next``: the event and the Lambda-Runtime-* headers."""
        headers = [
            rie_responses.JSON,  # the RIE's /next answers carry it; some runtimes need it
            ("Lambda-Runtime-Aws-Request-Id", self.request_id),
            ("Lambda-Runtime-Deadline-Ms", str(deadline_ms)),
            ("Lambda-Runtime-Invoked-Function-Arn", function_arn),
            ("Lambda-Runtime-Trace-Id", self.trace_id),
        ]
        if self.client_context is not None:
            headers.append(("Lambda-Runtime-Client-Context", self.client_context))
        if self.tenant_id is not None:
            headers.append(("Lambda-Runtime-Aws-Tenant-Id", self.tenant_id))
        return HttpResponse(200, self.payload, headers)
