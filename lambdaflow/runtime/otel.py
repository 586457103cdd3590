"""OpenTelemetry for lambdaflow functions: one span per invocation, FaaS semantic conventions.

The standard hook: lambdaflow declares this instrumentor under the `opentelemetry_instrumentor`
entry point group, so zero-code instrumentation finds it like any other,

    opentelemetry-instrument --traces_exporter console python -m lambdaflow app:app

and code can call `LambdaflowInstrumentor().instrument(tracer_provider=...)` before the runtime
starts. Nothing here is imported unless one of those asks: the runtime never imports it, and
uninstrumented invocations run the loop unchanged (the hook replaces the loop's phase function
while instrumented, and puts it back on `uninstrument`).

The span: named after the function, kind SERVER, from the event's arrival at the runtime to its
answer being ready (the phases decode, validate, handler, encode; a streamed answer's first
chunk). Attributes: `faas.invocation_id` (the request id), `faas.trigger` (from the event:
http, pubsub, datasource, timer, other), `faas.coldstart`, `cloud.resource_id` (the invoked
ARN), `cloud.account.id`, `cloud.provider`, `cloud.region`, `faas.name`, `faas.version`, and
`lambdaflow.outcome`; an error answer sets the status to ERROR with the error type. Parent: the
X-Ray trace in Lambda-Runtime-Trace-Id when it is sampled (Lambda's active tracing: the span
joins that trace); an unsampled one is a link instead, so that the span is still recorded (as
OpenTelemetry's Lambda conventions say). Spans are flushed before the answer is sent, since
Lambda may freeze the process as soon as the runtime asks for the next event
(OTEL_INSTRUMENTATION_AWS_LAMBDA_FLUSH_TIMEOUT, milliseconds, default 1000).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from typing import Any

from opentelemetry import trace
from opentelemetry.instrumentation.instrumentor import BaseInstrumentor  # type: ignore[attr-defined]
from opentelemetry.trace import Link, SpanContext, SpanKind, TraceFlags
from opentelemetry.trace.status import Status, StatusCode

from ..observability.metrics_record import SUCCESS
from . import loop

__all__ = ["LambdaflowInstrumentor", "parse_xray_header", "trigger_of"]

_FLUSH_TIMEOUT_ENV = "OTEL_INSTRUMENTATION_AWS_LAMBDA_FLUSH_TIMEOUT"
#: `faas.trigger` of the event sources whose records say which they are (`eventSource`).
_RECORD_TRIGGERS = {
    "aws:sqs": "pubsub", "aws:sns": "pubsub", "aws:kinesis": "pubsub", "aws:s3": "datasource",
    "aws:dynamodb": "datasource", "aws:ses": "other",
}
#: The same for lambdaflow.events classes, by module.
_MODULE_TRIGGERS = {
    "sqs": "pubsub", "sns": "pubsub", "kinesis": "pubsub", "kafka": "pubsub",
    "kinesis_firehose": "pubsub", "s3": "datasource", "dynamodb": "datasource",
    "api_gateway": "http", "api_gateway_v2": "http", "function_url": "http", "alb": "http",
    "vpc_lattice": "http", "api_gateway_websocket": "http",
}


def parse_xray_header(header: str | None) -> SpanContext | None:
    """The span context in an X-Ray trace header (`Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;
    Sampled=1`), or None if it carries no valid one."""
    if not header:
        return None
    fields = dict(part.split("=", 1) for part in header.split(";") if "=" in part)
    root = fields.get("Root", "").split("-")
    parent = fields.get("Parent", "")
    if len(root) != 3 or root[0] != "1" or len(root[1]) != 8 or len(root[2]) != 24:
        return None
    if len(parent) != 16:
        return None
    try:
        trace_id, span_id = int(root[1] + root[2], 16), int(parent, 16)
    except ValueError:
        return None
    if not trace_id or not span_id:
        return None
    sampled = TraceFlags.SAMPLED if fields.get("Sampled") == "1" else TraceFlags.DEFAULT
    return SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(sampled))


def trigger_of(event: Any) -> str:
    """`faas.trigger` for a decoded event: a lambdaflow.events instance or the JSON value."""
    module = type(event).__module__
    if module.startswith("lambdaflow.events."):
        name = module.rpartition(".")[2]
        if name == "eventbridge":
            return "timer" if getattr(event, "detail_type", None) == "Scheduled Event" else "pubsub"
        return _MODULE_TRIGGERS.get(name, "other")
    if not isinstance(event, dict):
        return "other"
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        first = records[0]
        return _RECORD_TRIGGERS.get(first.get("eventSource") or first.get("EventSource"), "other")
    context = event.get("requestContext")
    if isinstance(context, dict) and ("httpMethod" in event or "http" in context
                                      or "elb" in context):
        return "http"
    if event.get("detail-type") == "Scheduled Event":
        return "timer"
    if "detail-type" in event:
        return "pubsub"
    if event.get("eventSource") in ("aws:kafka", "SelfManagedKafka"):
        return "pubsub"
    return "other"


class LambdaflowInstrumentor(BaseInstrumentor):  # type: ignore[misc]
    """Traces each invocation of a lambdaflow function (see the module's docstring)."""

    _original: Callable[..., Any] | None = None

    def instrumentation_dependencies(self) -> Collection[str]:
        return ()

    def _instrument(self, **kwargs: Any) -> None:
        tracer = trace.get_tracer(__name__, tracer_provider=kwargs.get("tracer_provider"))
        provider = kwargs.get("tracer_provider") or trace.get_tracer_provider()
        flush_ms = int(os.environ.get(_FLUSH_TIMEOUT_ENV, "1000") or 1000)
        original = loop.handle
        type(self)._original = original
        loop.handle = _traced(original, tracer, provider, flush_ms)

    def _uninstrument(self, **kwargs: Any) -> None:
        original = type(self)._original
        if original is not None:
            loop.handle = original
            type(self)._original = None
        while _decoders:
            plan, decode = _decoders.popitem()[1]
            plan.decode = decode


def _traced(
    handle: Callable[..., Any], tracer: trace.Tracer, provider: Any, flush_ms: int
) -> Callable[..., Any]:
    environ = os.environ
    resource = {
        "cloud.provider": "aws",
        "cloud.region": environ.get("AWS_REGION", ""),
        "faas.name": environ.get("AWS_LAMBDA_FUNCTION_NAME", ""),
        "faas.version": environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
    }
    name = resource["faas.name"] or "lambdaflow"
    flush = getattr(provider, "force_flush", None)
    cold = [True]

    def traced_handle(plan: Any, event: bytes, context: Any, *args: Any) -> Any:
        xray = parse_xray_header(context.trace_id)
        parent, links = None, ()
        if xray is not None and xray.trace_flags.sampled:
            parent = trace.set_span_in_context(trace.NonRecordingSpan(xray))
        elif xray is not None:
            links = (Link(xray),)
        arn = context.invoked_function_arn
        attributes = {
            **resource,
            "faas.invocation_id": context.aws_request_id,
            "faas.coldstart": cold[0],
            "faas.trigger": "other",  # until the event is decoded
            "cloud.resource_id": arn,
        }
        cold[0] = False
        account = arn.split(":")[4] if arn.count(":") >= 5 else ""
        if account:
            attributes["cloud.account.id"] = account
        with tracer.start_as_current_span(
            name, context=parent, kind=SpanKind.SERVER, attributes=attributes, links=links,
            record_exception=False, set_status_on_exception=False,
        ) as span:
            _watch_decode(plan)
            handled = handle(plan, event, context, *args)
            span.set_attribute("lambdaflow.outcome", handled.outcome)
            if handled.outcome != SUCCESS:
                error_type = (handled.error or {}).get("errorType", handled.outcome)
                span.set_attribute("error.type", error_type)
                span.set_status(Status(StatusCode.ERROR, error_type))
        if flush is not None:
            flush(flush_ms)
        return handled

    return traced_handle


#: id(plan) -> (plan, its own decoder): the plans whose decoder tells the span the trigger.
_decoders: dict[int, tuple[Any, Callable[[bytes], Any]]] = {}


def _watch_decode(plan: Any) -> None:
    """Have the plan's decoder tell the current span the event's trigger (once per plan)."""
    if id(plan) in _decoders:
        return
    decode = plan.decode
    _decoders[id(plan)] = (plan, decode)

    def decode_and_note(body: bytes) -> Any:
        value = decode(body)
        trace.get_current_span().set_attribute("faas.trigger", trigger_of(value))
        return value

    plan.decode = decode_and_note
