"""The invocation loop: next -> unmarshal -> validate -> handler -> marshal -> post, timed.

Each failure maps to one outcome and one error response, then the loop serves the next event:
nothing a caller sends or a handler does ends the process. Only a Runtime API that stays
unreachable does (`RuntimeApiUnavailable` propagates to the entry point).
"""

from __future__ import annotations

import os
from time import perf_counter_ns
from typing import Any

import ujson

from . import wire
from .app import Plan
from .context import Context
from .errors import ResponseSizeTooLarge, exception_payload, log_fields
from .lifecycle import Lifecycle
from .logging import current_invocation, logger
from .runtime_api import Invocation, RuntimeApiClient

#: Lambda's limit for a buffered (non-streamed) response, as the Runtime API enforces it.
MAX_RESPONSE_BYTES = 6_291_556
#: The outcome of an invocation that failed in phase i (unmarshal, validate, handler, marshal).
FAILURE_OUTCOMES = ("unmarshal_error", "validation_error", "handler_error", "marshal_error")
_NS_PER_MS = 1_000_000


class FunctionEnvironment:
    """The function's configuration from Lambda's env vars, read once per process."""

    def __init__(self) -> None:
        environ = os.environ
        self.function_name = environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_mb = int(environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0") or 0)
        self.log_group_name = environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")


def _optional_json(raw: bytes | None) -> Any:
    if not raw:
        return None
    try:
        return ujson.loads(raw)
    except ValueError:
        logger.warning("invocation.bad_header", problem="client context or identity is not JSON")
        return None


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


def build_context(invocation: Invocation, env: FunctionEnvironment) -> Context:
    """Context from /next's headers; also exports the trace id as X-Ray's SDKs expect."""
    headers = invocation.headers
    trace = headers.get(b"lambda-runtime-trace-id")
    _export_trace_id(trace)
    trace_id = trace.decode("latin-1") if trace else None
    tenant = headers.get(b"lambda-runtime-aws-tenant-id")
    try:
        deadline_ms = int(headers.get(b"lambda-runtime-deadline-ms", b"0"))
    except ValueError:
        deadline_ms = 0
    return Context(
        invocation.request_id,
        deadline_ms,
        headers.get(b"lambda-runtime-invoked-function-arn", b"").decode("latin-1"),
        trace_id,
        _optional_json(headers.get(b"lambda-runtime-client-context")),
        _optional_json(headers.get(b"lambda-runtime-cognito-identity")),
        tenant.decode("latin-1") if tenant else None,
        env.function_name,
        env.function_version,
        env.memory_limit_mb,
        env.log_group_name,
        env.log_stream_name,
    )


def check_response_size(body: bytes) -> bytes:
    """Refuse what Lambda would refuse, before sending megabytes over the connection."""
    if len(body) > MAX_RESPONSE_BYTES:
        raise ResponseSizeTooLarge(
            f"Response payload size ({len(body)} bytes) exceeded maximum allowed payload size "
            f"({MAX_RESPONSE_BYTES} bytes)."
        )
    return body


class InvocationLoop:
    """Serves invocations one at a time over one Runtime API client."""

    def __init__(self, plan: Plan, client: RuntimeApiClient, lifecycle: Lifecycle) -> None:
        self.plan = plan
        self.client = client
        self.lifecycle = lifecycle
        self.env = FunctionEnvironment()

    def serve_until_signalled(self) -> None:
        """Serve invocations until SIGTERM/SIGINT; one in progress is finished first."""
        lifecycle = self.lifecycle
        while not lifecycle.stopping:
            invocation = self.client.next(interrupt=lifecycle)
            if invocation is None:
                return
            self.serve(invocation)

    def serve(self, invocation: Invocation) -> None:
        """Serve one invocation end to end and log its metrics line."""
        marks = [invocation.arrived_ns, perf_counter_ns(), 0, 0, 0, 0]
        request_id = invocation.request_id
        current_invocation.request_id = request_id
        plan = self.plan
        phase = 0
        try:
            context = build_context(invocation, self.env)
            event = plan.decode(invocation.body)
            marks[2] = perf_counter_ns()
            phase = 1
            if plan.validate is not None:
                plan.validate(event, context)
            marks[3] = perf_counter_ns()
            phase = 2
            result = plan.handle(event, context)
            marks[4] = perf_counter_ns()
            phase = 3
            body = check_response_size(plan.encode(result))
            marks[5] = perf_counter_ns()
        except BaseException as exc:  # user code may raise anything, SystemExit included
            failed_at = perf_counter_ns()
            for index in range(phase + 2, 6):
                marks[index] = failed_at
            outcome = FAILURE_OUTCOMES[phase]
            reply = self._report_failure(request_id, exc, outcome)
        else:
            outcome = "success"
            reply = self.client.respond(request_id, body)
            if reply.status == 413:
                outcome = "marshal_error"
                refused = ResponseSizeTooLarge(
                    f"The Runtime API refused the {len(body)}-byte response as too large."
                )
                reply = self._report_failure(request_id, refused, outcome)
        done = perf_counter_ns()
        _check_reply(reply.status)
        _log_metrics(outcome, marks, done)
        current_invocation.request_id = None

    def _report_failure(
        self, request_id: str, exc: BaseException, outcome: str
    ) -> wire.Response:
        payload = exception_payload(exc)
        logger.error("invocation.error", outcome=outcome, **log_fields(payload))
        return self.client.fail(request_id, payload)


def _check_reply(status: int) -> None:
    if status == 202:
        return
    if status == 403:
        logger.warning("invocation.already_answered", status=status)
    else:
        logger.error("invocation.post_rejected", status=status)


def _log_metrics(outcome: str, marks: list[int], done: int) -> None:
    arrived, received, unmarshalled, validated, handled, marshalled = marks
    logger.info(
        "invocation.metrics",
        outcome=outcome,
        next_ms=round((received - arrived) / _NS_PER_MS, 3),
        unmarshal_ms=round((unmarshalled - received) / _NS_PER_MS, 3),
        validate_ms=round((validated - unmarshalled) / _NS_PER_MS, 3),
        handler_ms=round((handled - validated) / _NS_PER_MS, 3),
        marshal_ms=round((marshalled - handled) / _NS_PER_MS, 3),
        post_ms=round((done - marshalled) / _NS_PER_MS, 3),
        total_ms=round((done - arrived) / _NS_PER_MS, 3),
    )
