"""Context: what a handler may want to know about the invocation it is serving, and how it is
built from /next's headers and the function's environment."""

from __future__ import annotations

import os
import sys
import time

import ujson

from ..settings import Settings, settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    class InvocationHeaders(Protocol):
        """What a Context is built from: /next's reply (`runtime_api.client.Invocation`)."""

        request_id: str
        headers: dict[bytes, bytes]


class FrozenContextError(AttributeError):
    """A handler tried to change (or delete) a Context field."""


#: The Context's fields, in the order its constructor takes them positionally.
CONTEXT_FIELDS = (
    "aws_request_id", "deadline_ms", "invoked_function_arn", "trace_id", "tenant_id",
    "function_name", "function_version", "memory_limit_in_mb", "log_group_name",
    "log_stream_name", "client_context_header", "cognito_identity_header",
)
_set = object.__setattr__


class Context:
    """Invocation metadata from the Runtime API's /next headers and the function's environment.

    The names and types are awslambdaric's `LambdaContext` (the ones AWS documents and
    Powertools, the durable execution SDK and OpenTelemetry read), plus `deadline_ms` and
    `trace_id`, which it keeps private or only in the environment. Frozen so a handler cannot
    change what later phases (and the logs) see. A plain slots class, not an attrs one: a
    dataclass function must not import attrs (~5 ms of cold start) for it. Compared by
    identity: two invocations' contexts are never compared. The client context and Cognito
    identity headers are parsed on first access: most invocations never read them.
    """

    __slots__ = (*CONTEXT_FIELDS, "_parsed")

    aws_request_id: str
    #: Wall-clock deadline, epoch milliseconds (Lambda-Runtime-Deadline-Ms).
    deadline_ms: int
    invoked_function_arn: str
    trace_id: str | None
    tenant_id: str | None
    function_name: str
    function_version: str
    #: A string, as awslambdaric gives it (AWS_LAMBDA_FUNCTION_MEMORY_SIZE); None when unset.
    memory_limit_in_mb: str | None
    log_group_name: str
    log_stream_name: str
    #: Lambda-Runtime-Client-Context as sent (JSON), or None.
    client_context_header: bytes | None
    #: Lambda-Runtime-Cognito-Identity as sent (JSON), or None.
    cognito_identity_header: bytes | None

    def __init__(
        self,
        aws_request_id: str,
        deadline_ms: int,
        invoked_function_arn: str,
        trace_id: str | None,
        tenant_id: str | None,
        function_name: str,
        function_version: str,
        memory_limit_in_mb: str | None,
        log_group_name: str,
        log_stream_name: str,
        client_context_header: bytes | None = None,
        cognito_identity_header: bytes | None = None,
    ) -> None:
        _set(self, "aws_request_id", aws_request_id)
        _set(self, "deadline_ms", deadline_ms)
        _set(self, "invoked_function_arn", invoked_function_arn)
        _set(self, "trace_id", trace_id)
        _set(self, "tenant_id", tenant_id)
        _set(self, "function_name", function_name)
        _set(self, "function_version", function_version)
        _set(self, "memory_limit_in_mb", memory_limit_in_mb)
        _set(self, "log_group_name", log_group_name)
        _set(self, "log_stream_name", log_stream_name)
        _set(self, "client_context_header", client_context_header)
        _set(self, "cognito_identity_header", cognito_identity_header)
        _set(self, "_parsed", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenContextError(f"cannot assign to Context.{name}: the Context is frozen")

    def __delattr__(self, name: str) -> None:
        raise FrozenContextError(f"cannot delete Context.{name}: the Context is frozen")

    def __repr__(self) -> str:
        shown = CONTEXT_FIELDS[:-2]  # the raw headers are shown parsed, as client_context
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"Context({fields})"

    def as_dict(self) -> dict[str, Any]:
        """The fields by name (what `attrs.asdict` gave when Context was an attrs class)."""
        return {name: getattr(self, name) for name in CONTEXT_FIELDS}

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before Lambda times the invocation out (never negative)."""
        return max(0, self.deadline_ms - int(time.time() * 1000))

    @property
    def client_context(self) -> ClientContext | None:
        """The caller's client context (mobile SDKs, direct invokes), or None."""
        return self._headers().client_context

    @property
    def identity(self) -> CognitoIdentity:
        """The Cognito identity of a mobile SDK caller; its fields are None otherwise."""
        return self._headers().identity

    def w3c(self) -> dict[str, str]:
        """The W3C trace context (`traceparent`, `tracestate`, `baggage`) a caller sent in the
        client context's `w3c` key, which `client_context` does not show (as awslambdaric)."""
        return dict(self._headers().w3c)

    def log(self, msg: Any) -> None:
        """Write `msg` to the function's log stream as is (awslambdaric's `context.log`)."""
        sys.stdout.write(str(msg))

    def _headers(self) -> _ParsedHeaders:
        parsed = self._parsed
        if parsed is None:
            parsed = _ParsedHeaders(self.client_context_header, self.cognito_identity_header)
            _set(self, "_parsed", parsed)
        return parsed


class _Slots:
    """awslambdaric's plain attribute objects: its slot names, its repr, mutable like its."""

    __slots__ = ()
    #: awslambdaric's attribute order, which its repr shows.
    names: tuple[str, ...] = ()

    def __init__(self, fields: dict[str, Any]) -> None:
        for name in self.names:
            setattr(self, name, fields.get(name))

    def __repr__(self) -> str:
        values = ",".join(f"{name}={getattr(self, name)}" for name in self.names)
        return f"{type(self).__name__}([{values}])"


class CognitoIdentity(_Slots):
    names = __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")


class Client(_Slots):
    names = (
        "installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"
    )
    __slots__ = (
        "app_package_name", "app_title", "app_version_code", "app_version_name", "installation_id"
    )


class ClientContext(_Slots):
    """`client` is a `Client` (or None); `custom` and `env` stay the JSON objects sent."""

    names = ("custom", "env", "client")
    __slots__ = ("client", "custom", "env")

    def __init__(self, fields: dict[str, Any]) -> None:
        super().__init__(fields)
        client = self.client
        self.client = Client(client) if isinstance(client, dict) else None


_W3C_FIELDS = ("traceparent", "tracestate", "baggage")


class _ParsedHeaders:
    """The client context and identity headers, parsed as awslambdaric parses them."""

    __slots__ = ("client_context", "identity", "w3c")

    def __init__(self, client_context: bytes | None, cognito_identity: bytes | None) -> None:
        fields = _json_object(client_context)
        w3c = fields.pop("w3c", None) if fields is not None else None
        self.w3c = (
            {k: v for k in _W3C_FIELDS if isinstance(v := w3c.get(k), str)}
            if isinstance(w3c, dict)
            else {}
        )
        self.client_context = ClientContext(fields) if fields is not None else None
        identity = _json_object(cognito_identity) or {}
        self.identity = CognitoIdentity(
            {
                "cognito_identity_id": identity.get("cognitoIdentityId"),
                "cognito_identity_pool_id": identity.get("cognitoIdentityPoolId"),
            }
        )


class FunctionEnvironment:
    """The function's configuration from Lambda's env vars, read once per process."""

    def __init__(self, env: Settings = settings) -> None:
        self.function_name = env.function_name
        self.function_version = env.function_version
        self.memory_limit_in_mb = env.memory_limit_in_mb
        self.log_group_name = env.log_group_name
        self.log_stream_name = env.log_stream_name
        #: Set `_X_AMZN_TRACE_ID` per invocation: only while one invocation runs per process
        #: at a time (the variable is process-wide); concurrent slots read Context.trace_id.
        self.exports_trace_id = True


def _json_object(raw: bytes | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        value = ujson.loads(raw)
    except ValueError:
        value = None
    if isinstance(value, dict):
        return value
    from ..observability.runtime_log import logger

    logger.warning("invocation.bad_header", problem="client context or identity is no JSON object")
    return None


#: Deadlines outside these years (epoch ms) are not a clock reading: 2001-09-09 .. 2286-11-20.
#: The async loop cancels at a deadline only within them.
PLAUSIBLE_DEADLINE_MS = range(10**12, 10**13)


class _DeadlineCheck:
    """Parses Lambda-Runtime-Deadline-Ms; the first bad value per process is logged."""

    __slots__ = ("logged",)

    def __init__(self) -> None:
        self.logged = False

    def __call__(self, raw: bytes | None, request_id: str) -> int:
        if raw is not None and raw.isdigit():
            deadline_ms = int(raw)
            if deadline_ms in PLAUSIBLE_DEADLINE_MS:
                return deadline_ms
        else:
            deadline_ms = 0
        if not self.logged:
            self.logged = True
            from ..observability.log_state import current_invocation
            from ..observability.runtime_log import logger

            current_invocation.request_id = request_id  # its Context is not built yet
            logger.warning(
                "invocation.bad_deadline",
                value=(raw or b"")[:40].decode("latin-1"),
                consequence="get_remaining_time_in_millis() is meaningless; logged once per "
                "process",
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
        _parse_deadline(headers.get(b"lambda-runtime-deadline-ms"), invocation.request_id),
        headers.get(b"lambda-runtime-invoked-function-arn", b"").decode("latin-1"),
        trace.decode("latin-1") if trace else None,
        tenant.decode("latin-1") if tenant else None,
        env.function_name,
        env.function_version,
        env.memory_limit_in_mb,
        env.log_group_name,
        env.log_stream_name,
        headers.get(b"lambda-runtime-client-context"),
        headers.get(b"lambda-runtime-cognito-identity"),
    )
