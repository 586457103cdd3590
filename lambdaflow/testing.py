"""An in-process test client: invoke a function as Lambda would, without a Runtime API.

    from lambdaflow.testing import LambdaTestClient

    with LambdaTestClient(app) as client:     # registration check + cold_start; shutdown on exit
        result = client.invoke({"input": "hi"}, tenant_id="t-1")
        assert result.value == Output(message="hi")
        assert result.metrics["outcome"] == "success"

Nothing here re-does the runtime's work: start-up is `runtime.init.initialise` (an init failure
raises `InitFailed` with the /init/error payload), each invocation is `framework.phases.handle`
(decode -> validate -> handler -> encode and the mapping of failures to outcomes), its Context is
the real `Context`, the function's own metrics are collected with `metrics.begin`/`take`, the
`invocation.metrics` record is the loop's (`observability.metrics_line`), and the captured log
records are the fields the JSON log sink builds (`log_sink.json_entry`). The runtime never
imports this module, and this module never imports the Runtime API client (`runtime_api`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from time import perf_counter_ns
from types import TracebackType
from typing import Any

import attrs
import ujson

from . import metrics
from .errors import InitError, MarshalError
from .framework import codec
from .framework.app import App
from .framework.context import CONTEXT_FIELDS, Context
from .framework.phases import Handled, begin, end, handle
from .framework.plan import Plan
from .framework.streaming import PRELUDE_DELIMITER, Stream
from .observability.log_sink import json_entry, logger
from .observability.metrics_line import log_metrics
from .observability.metrics_record import METRICS_MESSAGE, SUCCESS
from .observability.timings import Timings
from .runtime.init import init_error_payload, initialise
from .runtime.lifecycle import SHUTDOWN_BUDGET_S, run_shutdown_hooks
from .runtime.loader import load_app

__all__ = [
    "FunctionError",
    "InitFailed",
    "InvocationFailed",
    "InvocationResult",
    "LambdaTestClient",
]

#: The headers' JSON values a test gives (as dicts) for the Context's raw header fields.
_HEADER_FIELDS = {
    "client_context": "client_context_header",
    "cognito_identity": "cognito_identity_header",
}
_CONTEXT_FIELDS = (
    frozenset(CONTEXT_FIELDS).difference(_HEADER_FIELDS.values()) | _HEADER_FIELDS.keys()
)
#: Lambda's default function timeout; the deadline of an invocation that sets none.
DEFAULT_TIMEOUT_MS = 3000
#: Context fields every invocation gets unless the client or the invocation sets them.
DEFAULT_FUNCTION = {
    "function_name": "test-function",
    "function_version": "$LATEST",
    "memory_limit_in_mb": "128",
    "trace_id": None,
    "tenant_id": None,
}


@attrs.frozen
class FunctionError:
    """An error payload as the runtime posts it (`errorType`, `errorMessage`, `stackTrace`)."""

    type: str
    message: str
    stack: list[str]

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> FunctionError:
        return cls(payload["errorType"], payload["errorMessage"], list(payload["stackTrace"]))


class InitFailed(Exception):
    """The function could not start: `.error` is what the runtime would post to /init/error,
    `.logs` the records logged on the way (`init.error` among them)."""

    def __init__(self, error: FunctionError, logs: list[dict[str, Any]]) -> None:
        super().__init__(f"{error.type}: {error.message}")
        self.error = error
        self.logs = logs


class InvocationFailed(AssertionError):
    """`result.value` of an invocation that failed: its message is the error the caller gets."""


@attrs.frozen
class InvocationResult:
    """What one invocation produced, as the runtime would have sent and logged it."""

    #: `success` or the failure's outcome (`unmarshal_error`, ... as in the metrics record).
    outcome: str
    #: The response body as it would be posted; None when the invocation failed.
    body: bytes | None
    #: The error payload; None on success.
    error: FunctionError | None
    #: The `invocation.metrics` record's fields (user metrics included, in their plain form).
    metrics: dict[str, Any]
    #: This invocation's log records (the metrics record last), fields as the JSON sink's.
    logs: list[dict[str, Any]]
    context: Context
    #: A streamed response: the body's chunks in order, as the runtime sends them (`body` is
    #: their concatenation, None if the stream failed midway: `error` says why), and the
    #: prelude of an HttpStream (statusCode, headers, cookies). Empty and None when buffered.
    chunks: tuple[bytes, ...] = ()
    prelude: dict[str, Any] | None = None
    _output_type: Any = attrs.field(default=None, repr=False, alias="output_type")

    @property
    def value(self) -> Any:
        """The body decoded as a caller would, into the handler's declared return type.

        Raises InvocationFailed when the invocation failed, so an assertion on it says why.
        """
        if self.body is None:
            error = self.error
            assert error is not None
            raise InvocationFailed(f"the invocation failed: {error.type}: {error.message}")
        output_type = self._output_type
        if output_type is bytes:
            return self.body
        value = ujson.loads(self.body) if self.body else None
        if codec.is_untyped(output_type) or output_type is type(None):
            return value
        return codec.converter.structure(value, output_type)


class LambdaTestClient:
    """Serves invocations of one App in this process, one at a time, as the runtime does.

    `app` is an App or a `module:attribute` reference (loaded as the runtime loads it, so an
    import failure is an InitFailed too). `context_defaults` set Context fields for every
    invocation (`function_name="orders"`, `memory_limit_in_mb="512"`...).
    """

    def __init__(
        self, app: App | str, *, timeout_ms: int = DEFAULT_TIMEOUT_MS, **context_defaults: Any
    ) -> None:
        _check_context_fields(context_defaults)
        self.app = app
        self.timeout_ms = timeout_ms
        self._defaults = _function_defaults(context_defaults)
        #: Every record logged while the client is open: start-up, invocations, shutdown.
        self.logs: list[dict[str, Any]] = []
        self._plan: Plan | None = None
        self._output_type: Any = None
        self._sink_id: int | None = None
        self._cold = True

    def __enter__(self) -> LambdaTestClient:
        if self._sink_id is not None:
            raise RuntimeError("this LambdaTestClient is already open")
        function_name = self._defaults["function_name"]
        logs = self.logs
        self._sink_id = logger.add(
            lambda message: logs.append(json_entry(message.record, function_name)),
            level="TRACE",
            format="{message}",
            backtrace=False,
            diagnose=False,
        )
        try:
            app = load_app(self.app) if isinstance(self.app, str) else self.app
            self._plan = initialise(app)
        except InitError as exc:
            error = FunctionError.from_payload(init_error_payload(exc))
            self._close_logs()
            raise InitFailed(error, list(logs)) from exc
        except BaseException:
            self._close_logs()
            raise
        self._output_type = app.output_type
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Run the shutdown hooks within Lambda's budget, as on SIGTERM; then stop capturing."""
        plan, self._plan = self._plan, None
        try:
            if plan is not None:
                run_shutdown_hooks(plan.shutdown, time.monotonic() + SHUTDOWN_BUDGET_S)
        finally:
            self._close_logs()

    def invoke(self, event: Any, **context_overrides: Any) -> InvocationResult:
        """Invoke the function with `event`: bytes as they are, anything else (a JSON value,
        an instance of the handler's input type) as the JSON the codec writes for it.

        `context_overrides` set Context fields (`aws_request_id`, `deadline_ms`, `tenant_id`,
        `trace_id`, ...), `client_context` and `cognito_identity` (the JSON values Lambda sends
        in those headers, e.g. `{"cognitoIdentityId": ...}`), or `remaining_time_in_millis`
        (the deadline from now).
        """
        plan = self._plan
        if plan is None:
            raise RuntimeError("open the client first: `with LambdaTestClient(app) as client:`")
        body = _event_body(event)
        context = self._context(context_overrides)
        logs = self.logs
        first_record = len(logs)
        started = perf_counter_ns()
        timings = Timings(started, started)
        begin(context)
        metrics.begin()
        streamed: Streamed | None = None
        try:  # `handle` turns whatever the function raises into the error answer
            handled = handle(plan, body, context, timings)
            if handled.stream is not None:
                streamed = Streamed(handled.stream, timings)
                handled = streamed.handled
            cold, self._cold = self._cold, False
            log_metrics(handled.outcome, timings, perf_counter_ns(), cold, metrics.take(),
                        streamed.stream if streamed else None)
        finally:
            end()
        records = logs[first_record:]
        record = next((r for r in reversed(records) if r["message"] == METRICS_MESSAGE), {})
        return InvocationResult(
            outcome=handled.outcome,
            body=handled.body,
            error=FunctionError.from_payload(handled.error) if handled.error else None,
            metrics=record,
            logs=records,
            context=context,
            chunks=streamed.chunks if streamed else (),
            prelude=streamed.prelude if streamed else None,
            output_type=bytes if streamed else self._output_type,
        )

    def _context(self, overrides: dict[str, Any]) -> Context:
        remaining = overrides.pop("remaining_time_in_millis", None)
        _check_context_fields(overrides)
        fields = {**self._defaults, **overrides}
        for name, header in _HEADER_FIELDS.items():
            if (value := fields.pop(name, None)) is not None:
                fields[header] = ujson.dumps(value).encode()
        if remaining is not None:
            if "deadline_ms" in overrides:
                raise TypeError("give deadline_ms or remaining_time_in_millis, not both")
            fields["deadline_ms"] = int(time.time() * 1000) + remaining
        elif "deadline_ms" not in fields:
            fields["deadline_ms"] = int(time.time() * 1000) + self.timeout_ms
        fields.setdefault("aws_request_id", str(uuid.uuid4()))
        fields.setdefault("invoked_function_arn", function_arn(fields["function_name"]))
        fields.setdefault("log_group_name", f"/aws/lambda/{fields['function_name']}")
        return Context(**fields)

    def _close_logs(self) -> None:
        if self._sink_id is not None:
            logger.remove(self._sink_id)
            self._sink_id = None


class Streamed:
    """A started stream pulled whole, through `Stream.chunks()` as the runtime's client pulls it."""

    def __init__(self, stream: Stream, timings: Timings) -> None:
        self.stream = stream
        pieces = list(stream.chunks())
        timings.handled = timings.encoded = stream.ended_ns
        self.prelude: dict[str, Any] | None = None
        if stream.prelude is not None and pieces and pieces[0] is stream.prelude:
            self.prelude = ujson.loads(pieces.pop(0)[: -len(PRELUDE_DELIMITER)])
        self.chunks = tuple(pieces)
        failed = stream.failed
        self.handled = failed if failed is not None else Handled(SUCCESS, b"".join(pieces))


def _event_body(event: Any) -> bytes:
    if isinstance(event, (bytes, bytearray, memoryview)):
        return bytes(event)
    try:
        return codec.encode(event)
    except MarshalError as exc:
        raise TypeError(f"the event cannot be sent as JSON: {exc.message}") from None


def _check_context_fields(fields: Mapping[str, Any]) -> None:
    unknown = fields.keys() - _CONTEXT_FIELDS
    if unknown:
        raise TypeError(
            f"not Context fields: {', '.join(sorted(unknown))} "
            f"(Context has {', '.join(sorted(_CONTEXT_FIELDS))})"
        )


def _function_defaults(context_defaults: Mapping[str, Any]) -> dict[str, Any]:
    defaults = {**DEFAULT_FUNCTION, **context_defaults}
    defaults.setdefault(
        "log_stream_name", time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex
    )
    return defaults


def function_arn(function_name: str) -> str:
    """The ARN the test client's Context names (and the durable test client's executions)."""
    return f"arn:aws:lambda:us-east-1:000000000000:function:{function_name}"
