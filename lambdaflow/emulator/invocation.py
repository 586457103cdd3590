"""One invocation as it travels from the invoke endpoint through the runtime and back."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field

from lambdaflow.emulator.http11 import Deferred


def new_trace_id() -> str:
    """A valid X-Ray trace header, for callers that send none (the RIE sends nothing)."""
    random = os.urandom(20).hex()  # one getrandom call for both ids
    return f"Root=1-{int(time.time()):08x}-{random[:24]};Parent={random[24:]};Sampled=0"


@dataclass(slots=True, eq=False)
class Invocation:
    """The event, the metadata the runtime sees, and the caller's pending answer."""

    payload: bytes
    trace_id: str
    client_context: str | None
    tenant_id: str | None
    answer: Deferred
    capture_log: bool = False
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: bool = False
    delivered_at: float | None = None
