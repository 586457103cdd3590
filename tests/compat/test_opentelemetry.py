"""OpenTelemetry: `opentelemetry-instrument python -m lambdaflow ...` (zero-code, through the
`opentelemetry_instrumentor` entry point) traces each invocation with FaaS attributes; the
instrumentor in process with an in-memory exporter; nothing of OpenTelemetry without it."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from lambdaflow import App
from lambdaflow.events import APIGatewayProxyEventV2
from lambdaflow.framework import phases
from lambdaflow.framework.codec import converter
from lambdaflow.framework.context import Context
from lambdaflow.framework.plan import Plan
from lambdaflow.observability.timings import Timings
from lambdaflow.runtime import loop
from lambdaflow.runtime.init import initialise
from lambdaflow.runtime.otel import LambdaflowInstrumentor, parse_xray_header, trigger_of
from tests.events import published
from tests.runtime.conftest import RuntimeProcess, runtime_env

INSTRUMENT = Path(sys.executable).with_name("opentelemetry-instrument")
SAMPLED = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
UNSAMPLED = "Root=1-674c30a1-3f2e1d0c9b8a7f6e5d4c3b2a;Parent=1122334455667788;Sampled=0"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"

ECHO_APP = """
from lambdaflow import App
app = App()

@app.handler
def handle(event, context):
    if event.get("fail"):
        raise LookupError("no such order")
    return event
"""


def console_spans(lines: list[str]) -> list[dict]:
    """The console exporter's spans: indented JSON objects, one `{` ... `}` block each."""
    spans, block = [], None
    for line in lines:
        if line == "{":
            block = [line]
        elif block is not None:
            block.append(line)
            if line == "}":
                spans.append(json.loads("\n".join(block)))
                block = None
    return spans


@pytest.fixture
def instrumented_runtime(api, tmp_path):
    (tmp_path / "fn.py").write_text(ECHO_APP)
    env = runtime_env(
        api.address, OTEL_TRACES_EXPORTER="console", OTEL_METRICS_EXPORTER="none",
        OTEL_LOGS_EXPORTER="none", OTEL_SERVICE_NAME="fn",
    )
    runtime = RuntimeProcess("fn:app", tmp_path, env, launcher=(str(INSTRUMENT),))
    yield runtime
    runtime.stop()


@pytest.mark.skipif(not INSTRUMENT.exists(), reason="opentelemetry-instrument not installed")
def test_zero_code_instrumentation_traces_each_invocation(api, instrumented_runtime):
    runtime = instrumented_runtime
    sqs = json.loads((published.SAMPLES / "powertools" / "sqsEvent.json").read_text())
    first = api.invoke(json.dumps(sqs).encode(), {"Lambda-Runtime-Trace-Id": SAMPLED})
    second = api.invoke(b'{"fail": true}', {"Lambda-Runtime-Trace-Id": UNSAMPLED})
    assert first.kind == "response" and second.kind == "error"
    deadline = time.monotonic() + 20
    while len(spans := console_spans(list(runtime.lines))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [s["attributes"]["faas.invocation_id"] for s in spans] == [
        first.request_id, second.request_id
    ]
    sampled, failed = spans
    assert sampled["kind"] == "SpanKind.SERVER" and sampled["name"] == "fn"
    assert sampled["context"]["trace_id"] == "0x5759e988bd862e3fe1be46a994272793"
    assert sampled["parent_id"] == "0x53995c3f42cd8ad8"
    assert sampled["attributes"].items() >= {
        "faas.trigger": "pubsub", "faas.coldstart": True, "cloud.resource_id": ARN,
        "cloud.account.id": "123456789012", "lambdaflow.outcome": "success",
    }.items()
    assert failed["parent_id"] is None  # unsampled X-Ray trace: a link, not the parent
    assert failed["links"][0]["context"]["trace_id"] == "0x674c30a13f2e1d0c9b8a7f6e5d4c3b2a"
    assert failed["attributes"]["faas.coldstart"] is False
    assert failed["status"] == {"status_code": "ERROR", "description": "LookupError"}


NO_OTEL_APP = """
import sys
from lambdaflow import App
app = App()

@app.handler
def handle(event, context):
    return sorted(m for m in sys.modules if m.startswith("opentelemetry"))
"""


def test_without_instrumentation_nothing_of_opentelemetry_loads(api, start_runtime):
    start_runtime(NO_OTEL_APP)
    assert api.invoke(b"{}").json() == []


@pytest.fixture
def exporter():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = LambdaflowInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        yield exporter
    finally:
        instrumentor.uninstrument()


def plan_of(handler) -> Plan:
    app = App()
    app.handler(handler)
    return initialise(app)


def context(request_id: str, trace_id: str | None = None) -> Context:
    return Context(request_id, 0, ARN, trace_id, None, "fn", "1", "128", "", "")


def test_instrumentor_spans_in_process(exporter):
    def handle(event: APIGatewayProxyEventV2) -> dict:
        return {"path": event.raw_path}

    plan = plan_of(handle)
    body = (published.SAMPLES / "sam-cli" / "apigateway-http-api-proxy.json").read_bytes()
    handled = loop.handle(plan, body, context("r-1", SAMPLED), Timings(0, 0))
    loop.handle(plan, b"not json", context("r-2"), Timings(0, 0))
    assert handled.outcome == "success"
    ok, bad = exporter.get_finished_spans()
    assert ok.kind is SpanKind.SERVER
    assert ok.attributes["faas.trigger"] == "http" and ok.attributes["faas.coldstart"] is True
    assert ok.parent.span_id == 0x53995C3F42CD8AD8
    assert bad.attributes["faas.trigger"] == "other" and bad.parent is None
    assert bad.status.status_code is StatusCode.ERROR
    assert bad.attributes["error.type"] == "Runtime.UnmarshalError"


def test_uninstrument_puts_the_loop_back():
    instrumentor = LambdaflowInstrumentor()
    instrumentor.instrument(tracer_provider=TracerProvider())
    plan = plan_of(lambda event: event)
    original_decode = plan.decode
    loop.handle(plan, b"{}", context("r"), Timings(0, 0))
    assert loop.handle is not phases.handle and plan.decode is not original_decode
    instrumentor.uninstrument()
    assert loop.handle is phases.handle and plan.decode is original_decode


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (SAMPLED, (0x5759E988BD862E3FE1BE46A994272793, 0x53995C3F42CD8AD8, True)),
        (UNSAMPLED + ";Lineage=a:1", (0x674C30A13F2E1D0C9B8A7F6E5D4C3B2A, 0x1122334455667788,
                                      False)),
        ("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", None),  # no parent
        ("Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", None),
        ("Root=1-zzzzzzzz-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", None),
        ("garbage", None),
        (None, None),
    ],
)
def test_xray_header(header, expected):
    span = parse_xray_header(header)
    got = None if span is None else (span.trace_id, span.span_id, span.trace_flags.sampled)
    assert got == expected


@pytest.mark.parametrize(
    ("sample", "trigger"),
    [
        ("powertools/sqsEvent.json", "pubsub"),
        ("powertools/snsEvent.json", "pubsub"),
        ("powertools/kinesisStreamEvent.json", "pubsub"),
        ("powertools/kafkaEventMsk.json", "pubsub"),
        ("powertools/s3Event.json", "datasource"),
        ("powertools/dynamoStreamEvent.json", "datasource"),
        ("powertools/apiGatewayProxyEvent.json", "http"),
        ("powertools/apiGatewayProxyV2Event.json", "http"),
        ("powertools/albEvent.json", "http"),
        ("powertools/lambdaFunctionUrlEvent.json", "http"),
        ("sam-cli/cloudwatch-scheduled-event.json", "timer"),
        ("powertools/eventBridgeEvent.json", "pubsub"),
        ("powertools/secretsManagerEvent.json", "other"),
    ],
)
def test_trigger_from_the_json_and_from_the_event_class(sample, trigger):
    path = published.SAMPLES / sample
    cls, value = published.load(path)
    assert trigger_of(value) == trigger
    assert trigger_of(converter.structure(value, cls)) == trigger
