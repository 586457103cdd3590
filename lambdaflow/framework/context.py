"""Context: what a handler may want to know about the invocation it is serving, and how it is
built from /next's headers and the function's environment."""

from __future__ import annotations

import os
import time
from typing import Any, Protocol

import ujson

from ..settings import Settings, settings


class FrozenContextError(AttributeError):
    """A handler tried to change (or delete) a Context field."""


#: The Context's fields, in the order its constructor takes them positionally.
CONTEXT_FIELDS = (
    "request_id", "deadline_ms", "invoked_function_arn", "trace_id", "client_context",
    "cognito_identity", "tenant_id", "function_name", "function_version", "memory_limit_mb",
    "log_group_name", "log_stream_name",
)
_set = object.__setattr__


class Context:
    """Invocation metadata from the Runtime API's /next headers and the function's environment.

    Frozen so a handler cannot change what later phases (and the logs) see. A plain slots class,
    not an attrs one: a dataclass function must not import attrs (~5 ms of cold start) for it.
    Compared by identity: two invocations' contexts are never compared.
    """

    __slots__ = CONTEXT_FIELDS

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

    def __init__(
        self,
        request_id: str,
        deadline_ms: int,
        invoked_function_arn: str,
        trace_id: str | None,
        client_context: Any,
        cognito_identity: Any,
        tenant_id: str | None,
        function_name: str,
        function_version: str,
        memory_limit_mb: int,
        log_group_name: str,
        log_stream_name: str,
    ) -> None:
        _set(self, "request_id", request_id)
        _set(self, "deadline_ms", deadline_ms)
        _set(self, "invoked_function_arn", invoked_function_arn)
        _set(self, "trace_id", trace_id)
        _set(self, "client_context", client_context)
        _set(self, "cognito_identity", cognito_identity)
        _set(self, "tenant_id", tenant_id)
        _set(self, "function_name", function_name)
        _set(self, "function_version", function_version)
        _set(self, "memory_limit_mb", memory_limit_mb)
        _set(self, "log_group_name", log_group_name)
        _set(self, "log_stream_name", log_stream_name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenContextError(f"cannot assign to Context.{name}: the Context is frozen")

    def __delattr__(self, name: str) -> None:
        raise FrozenContextError(f"cannot delete Context.{name}: the Context is frozen")

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in CONTEXT_FIELDS)
        return f"Context({fields})"

    def as_dict(self) -> dict[str, Any]:
        """The fields by name (what `attrs.asdict` gave when Context was an attrs class)."""
        return {name: getattr(self, name) for name in CONTEXT_FIELDS}

    def remaining_time_ms(self) -> int:
        """Milliseconds left before Lambda times the invocation out (never negative)."""
        return max(0, self.deadline_ms - int(time.time() * 1000))


class FunctionEnvironment:
    """The function's configuration from Lambda's env vars, read once per process."""

    def __init__(self, env: Settings = settings) -> None:
        self.function_name = env.function_name
        self.function_version = env.function_version
        self.memory_limit_mb = env.memory_size_mb
        self.log_group_name = env.log_group_name
        self.log_stream_name = env.log_stream_name
        #: Set `_X_AMZN_TRACE_ID` per invocation: only while one invocation runs per process
        #: at a time (the variable is process-wide); concurrent slots read Context.trace_id.
        self.exports_trace_id = True


class InvocationHeaders(Protocol):
    """What a Context is built from: /next's reply (`runtime_api.client.Invocation`)."""

    request_id: str
    headers: dict[bytes, bytes]


def _optional_json(raw: bytes | None) -> Any:
    if not raw:
        return None
    try:
        return ujson.loads(raw)
    except ValueError:
        from ..observability.runtime_log import logger

        logger.warning("invocation.bad_header", problem="client context or identity is not JSON")
        return None


#: Deadlines outside these years (epoch ms) are not a clock reading: 2001-09-09 .. 2286-11-20.
#: The async loop cancels at a deadline only within them.
PLAUSIBLE_DEADLINE_MS = range(10**12, 10**13)


class _DeadlineCheck:
    """Parses Lambda-Runtime-Deadline-Ms; the first bad value per process is logged."""

    __slots__ = ("logged",)

    def __init__(self) -> None:
        self.logged = False

    def __call__(self, raw: bytes | None) -> int:
        if raw is not None and raw.isdigit():
            deadline_ms = int(raw)
            if deadline_ms in PLAUSIBLE_DEADLINE_MS:
                return deadline_ms
        else:
            deadline_ms = 0
        if not self.logged:
            self.logged = True
            from ..observability.runtime_log import logger

            logger.warning(
                "invocation.bad_deadline",
                value=(raw or b"")[:40].decode("latin-1"),
                consequence="remaining_time_ms() is meaningless; logged once per process",
            )
        return deadline_ms


_parse_deadline = _DeadlineCheck()
_TRACE_ENV_KEY = os.environ.encodekey("_X_AMZN_TRACE_ID")
_environ_data: dict[bytes, bytes] = os.environ._data  # type: ignore[attr-defined]


def _export_trace_id(trace: bytes | None) -> None:
    """Make the trace id `os.environ["_X_AMZN_TRACE_ID"]`, as X-Ray and OpenTelemetry read it.

    Not through `os.environ[...] = ...`: that calls libc setenv, which never frees the string it
    replaces, so a unique id per invocation leaked ~140 bytes each (+13 MiB per 100k). Child
    processes therefore inherit the start-up environment, not the current invocation's id.
    """
    if trace:
        _environ_data[_TRACE_ENV_KEY] = trace
    else:
        _environ_data.pop(_TRACE_ENV_KEY, None)


def build_context(invocation: InvocationHeaders, env: FunctionEnvironment) -> Context:
    """Context from /next's headers; also exports the trace id as X-Ray's SDKs expect."""
    headers = invocation.headers
    trace = headers.get(b"lambda-runtime-trace-id")
    if env.exports_trace_id:
        _export_trace_id(trace)
    tenant = headers.get(b"lambda-runtime-aws-tenant-id")
    return Context(
        invocation.request_id,
        _parse_deadline(headers.get(b"lambda-runtime-deadline-ms")),
        headers.get(b"lambda-runtime-invoked-function-arn", b"").decode("latin-1"),
        trace.decode("latin-1") if trace else None,
        _optional_json(headers.get(b"lambda-runtime-client-context")),
        _optional_json(headers.get(b"lambda-runtime-cognito-identity")),
        tenant.decode("latin-1") if tenant else None,
        env.function_name,
        env.function_version,
        env.memory_limit_mb,
        env.log_group_name,
        env.log_stream_name,
    )
