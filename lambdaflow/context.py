"""Context: what a handler may want to know about the invocation it is serving."""

from __future__ import annotations

import time
from typing import Any

import attrs


@attrs.frozen(slots=True, eq=False)
class Context:
    """Invocation metadata from the Runtime API's /next headers and the function's environment.

    Frozen so a handler cannot change what later phases (and the logs) see. No generated
    __eq__: two invocations' contexts are never compared, and generating it costs cold start.
    """

    request_id: str
    #: Wall-clock deadline, epoch milliseconds (Lambda-Runtime-Deadline-Ms).
    deadline_ms: int
    invoked_function_arn: str
    trace_id: str | None
    #: Parsed Lambda-Runtime-Client-Context JSON (mobile SDK / direct invokes), or None.
    client_context: Any
    #: Parsed Lambda-Runtime-Cognito-Identity JSON, or None.
    cognito_identity: Any
    tenant_id: str | None
    function_name: str
    function_version: str
    memory_limit_mb: int
    log_group_name: str
    log_stream_name: str

    def remaining_time_ms(self) -> int:
        """Milliseconds left before Lambda times the invocation out (never negative)."""
        return max(0, self.deadline_ms - int(time.time() * 1000))
