"""Context: what a handler may want to know about the invocation it is serving, and how it is
built from /next's headers and the function's environment."""

from __future__ import annotations

import os
import time
from typing import Any, Protocol

import attrs
import ujson


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

    @property
    def aws_request_id(self) -> str:
        """awslambdaric's name for ``request_id`` (the durable SDK reads it)."""
        return self.request_id

    def remaining_time_ms(self) -> int:
        """Milliseconds left before Lambda times the invocation out (never negative)."""
        return max(0, self.deadline_ms - int(time.time() * 1000))


class FunctionEnvironment:
    """The function's configuration from Lambda's env vars, read once per process."""

    def __init__(self) -> None:
        environ = os.environ
        self.function_name = environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_mb = int(environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0") or 0)
        self.log_group_name = environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        #: Set `_X_AMZN_TRACE_ID` per invocation: only while one invocation runs per process
        #: at a time (the variable is process-wide); concurrent slots read Context.trace_id.
        self.exports_trace_id = True


class InvocationHeaders(Protocol):
    """What a Context is built from: /next's reply (`transport.Invocation`)."""

    request_id: str
    headers: dict[bytes, bytes]


def _optional_json(raw: bytes | None) -> Any:
    if not raw:
        return None
    try:
        return ujson.loads(raw)
    except ValueError:
        from .runtime_log import logger

        logger.warning("invocation.bad_header", problem="client context or identity is not JSON")
        return None


#: Deadlines outside these years (epoch ms) are not a clock reading: 2001-09-09 .. 2286-11-20.
_PLAUSIBLE_DEADLINE_MS = range(10**12, 10**13)


class _DeadlineCheck:
    """Parses Lambda-Runtime-Deadline-Ms; the first bad value per process is logged."""

    __slots__ = ("logged",)

    def __init__(self) -> None:
        self.logged = False

    def __call__(self, raw: bytes | None) -> int:
        if raw is not None and raw.isdigit():
            deadline_ms = int(raw)
            if deadline_ms in _PLAUSIBLE_DEADLINE_MS:
                return deadline_ms
        else:
            deadline_ms = 0
        if not self.logged:
            self.logged = True
            from .runtime_log import logger

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
