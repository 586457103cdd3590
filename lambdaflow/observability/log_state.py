"""What every log record is stamped with (the current invocation's ids), and whether this
process is the runtime: the state the logger front (`runtime_log`) and the sink (`log_sink`)
share, here so that neither imports the other at module level (a leaf of observability).
"""

from __future__ import annotations

# `_contextvars`, the C module `contextvars` only re-exports: one module less at cold start
from _contextvars import ContextVar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    class InvocationIds(Protocol):
        """The ids an invocation's records are stamped with: its `Context` has them."""

        aws_request_id: str | None
        tenant_id: str | None
        trace_id: str | None


class _RequestIdOnly:
    """The ids known before the Context is built (and when none is: all None)."""

    __slots__ = ("aws_request_id",)
    tenant_id = None
    trace_id = None

    def __init__(self, request_id: str | None) -> None:
        self.aws_request_id = request_id


NO_INVOCATION: InvocationIds = _RequestIdOnly(None)
#: A contextvar, not a process-wide attribute: under AWS_LAMBDA_MAX_CONCURRENCY several
#: invocations overlap, each in its own thread or asyncio task, and each has its own context
#: (a task copies the context of whoever submitted it). It holds the invocation's Context
#: itself (no copy per invocation); `framework.phases` sets it, the sink reads it.
_current: ContextVar[InvocationIds] = ContextVar("lambdaflow_invocation", default=NO_INVOCATION)
#: Stamp the ids (a Context, or NO_INVOCATION) on what this thread or task logs from now on.
stamp = _current.set


class _CurrentInvocation:
    """The current context's ids, read as attributes (and a request id set alone)."""

    __slots__ = ()

    @property
    def request_id(self) -> str | None:
        return _current.get().aws_request_id

    @request_id.setter
    def request_id(self, value: str | None) -> None:
        """Stamp a request id alone (before the Context is built, or in a test)."""
        _current.set(_RequestIdOnly(value))


current_invocation = _CurrentInvocation()
#: The current context's ids, read once per record by the sink.
current_ids = _current.get


class _Runtime:
    """Whether this process is the runtime (`start` was called): the sink is then installed
    as soon as loguru is loaded, by whoever loads it."""

    started = False


runtime = _Runtime()
