"""The invocation loop, end to end: a real runtime process against a real loopback Runtime API."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lambdaflow.observability.metrics_record import (
    FIELD_OF_PHASE,
    METRICS_MESSAGE,
    OUTCOME_FIELD,
    PHASE_FIELDS,
    TOTAL_FIELD,
)

from .conftest import REPO, runtime_env

README = REPO / "README.md"
ECHO_EXAMPLE = REPO / "examples" / "echo" / "app.py"

# The README's App again, with handler branches that fail in each way a function can.
FAILING_APP = """
from lambdaflow import App, Context
from examples.echo.app import Input, Output, check

app = App()
app.validate(check)

@app.handler
def handle(event: Input, ctx: Context) -> Output:
    if event.input == "boom":
        raise KeyError("no such thing")
    if event.input == "exit":
        raise SystemExit(3)
    if event.input == "interrupt":
        raise KeyboardInterrupt
    if event.input == "object":
        return object()
    if event.input == "huge":
        return "x" * 7_000_000
    return Output(message=event.input)

@app.shutdown
def close() -> None:
    ...
"""


def test_readme_example_is_the_echo_example_verbatim():
    readme_code = README.read_text().split("```python\n", 1)[1].split("```", 1)[0]
    example_code = ECHO_EXAMPLE.read_text().split('"""\n\n', 1)[1]  # after the docstring
    assert readme_code.split() == example_code.split()


def test_readme_example_serves_typed_events(api, start_runtime):
    runtime = start_runtime(None, target="examples.echo.app:app")
    post = api.invoke(b'{"input": "hi"}')
    assert (post.kind, post.json()) == ("response", {"message": "hi"})
    assert post.headers["content-type"] == "application/json"
    [metrics] = runtime.wait_for_record(METRICS_MESSAGE)
    assert metrics["request_id"] == post.request_id
    assert metrics["function_name"] == "fn"
    assert metrics[OUTCOME_FIELD] == "success"
    assert metrics["level"] == "INFO"
    assert metrics["timestamp"].endswith("Z") and "T" in metrics["timestamp"]
    for key in (*PHASE_FIELDS, TOTAL_FIELD):
        assert isinstance(metrics[key], float) and metrics[key] >= 0, key
    # phases are rounded to the microsecond each: they add up to total within rounding
    assert abs(sum(metrics[p] for p in PHASE_FIELDS) - metrics[TOTAL_FIELD]) <= 0.004


@pytest.mark.parametrize(
    ("body", "outcome", "error_type", "header", "message"),
    [
        (
            b'{"input": ""}',
            "validation_error",
            "ValueError",
            "Function.ValueError",
            "input required",
        ),
        (b'{"input": "boom"}', "handler_error", "KeyError", "Function.KeyError", "'no such thing'"),
        (b'{"input": "exit"}', "handler_error", "SystemExit", "Function.SystemExit", "3"),
        (
            b'{"input": "interrupt"}',
            "handler_error",
            "KeyboardInterrupt",
            "Function.KeyboardInterrupt",
            "",
        ),
        (
            b'{"input": ',
            "unmarshal_error",
            "Runtime.UnmarshalError",
            "Runtime.UnmarshalError",
            "Unable to parse the event as JSON: ",
        ),
        (
            b'{"input": 5}',
            "unmarshal_error",
            "Runtime.UnmarshalError",
            "Runtime.UnmarshalError",
            "The event does not match Input: input: expected string, got number",
        ),
        (
            b'{"other": 1}',
            "unmarshal_error",
            "Runtime.UnmarshalError",
            "Runtime.UnmarshalError",
            "The event does not match Input: input: missing required field",
        ),
        (
            b'{"input": "object"}',
            "marshal_error",
            "Runtime.MarshalError",
            "Runtime.MarshalError",
            "Unable to marshal the response: Object of type object is not JSON serializable",
        ),
        (
            b'{"input": "huge"}',
            "marshal_error",
            "Function.ResponseSizeTooLarge",
            "Function.ResponseSizeTooLarge",
            "Response payload size (7000002 bytes) exceeded",
        ),
    ],
)
def test_each_failure_is_an_error_response_and_the_next_event_is_served(
    api, start_runtime, body, outcome, error_type, header, message
):
    runtime = start_runtime(FAILING_APP)
    post = api.invoke(body)
    assert post.kind == "error"
    error = post.json()
    assert error["errorType"] == error_type
    assert error["errorMessage"].startswith(message)
    assert post.headers["lambda-runtime-function-error-type"] == header
    assert post.headers["content-type"] == "application/json"
    [metrics] = runtime.wait_for_record("invocation.metrics")
    assert metrics["outcome"] == outcome
    [logged] = runtime.records("invocation.error")
    assert (logged["level"], logged["error_type"], logged["outcome"]) == (
        "ERROR",
        error_type,
        outcome,
    )
    assert body.decode() not in json.dumps(logged), "the event payload must not be logged"
    # the loop survived: the next event is answered normally
    assert api.invoke(b'{"input": "next"}').json() == {"message": "next"}


def test_unprintable_exception_and_surrogates_are_still_answered(api, start_runtime):
    runtime = start_runtime("""
        from lambdaflow import App

        class Unprintable(Exception):
            def __str__(self):
                raise RuntimeError("no")

        app = App()

        @app.handler
        def handle(event):
            if event == "unprintable":
                raise Unprintable
            raise ValueError("bad byte: " + b"\\xff".decode(errors="surrogateescape"))
    """)
    unprintable = api.invoke(b'"unprintable"').json()
    assert (unprintable["errorType"], unprintable["errorMessage"]) == (
        "Unprintable",
        "<unprintable Unprintable>",
    )
    assert api.invoke(b'"surrogate"').json()["errorMessage"] == "bad byte: \udcff"
    _, logged = runtime.wait_for_record("invocation.error", count=2)
    assert logged["error_message"] == "bad byte: \udcff"  # a valid JSON line, escaped


def test_values_from_the_event_are_not_logged(api, start_runtime):
    runtime = start_runtime("""
        import typing, attrs
        from lambdaflow import App

        @attrs.frozen
        class Input:
            kind: typing.Literal["a", "b"]

        app = App()

        @app.handler
        def handle(event: Input) -> None:
            return None
    """)
    error = api.invoke(b'{"kind": "SECRET-TOKEN-123"}').json()
    assert error["errorMessage"].endswith("kind: expected one of 'a', 'b'")
    runtime.wait_for_record("invocation.metrics")
    assert "SECRET-TOKEN-123" not in "\n".join(runtime.lines)


def test_stack_trace_shows_user_frames_only(api, start_runtime):
    start_runtime(FAILING_APP)
    stack = api.invoke(b'{"input": "boom"}').json()["stackTrace"]
    assert any("fn.py" in frame and "in handle" in frame for frame in stack)
    assert not any("lambdaflow" in frame for frame in stack), stack


def test_server_refusing_the_size_gets_response_size_too_large(api, start_runtime):
    api.response_status = 413
    start_runtime(FAILING_APP)
    rid = api.queue_event(b'{"input": "hi"}')
    error = api.wait_for(rid, "error")
    assert error.json()["errorType"] == "Function.ResponseSizeTooLarge"


CONTEXT_APP = """
import os
from lambdaflow import App, Context

app = App()

@app.handler
def handle(event, ctx: Context) -> dict:
    return {
        "request_id": ctx.aws_request_id,
        "deadline_ms": ctx.deadline_ms,
        "remaining_ms": ctx.get_remaining_time_in_millis(),
        "arn": ctx.invoked_function_arn,
        "trace_id": ctx.trace_id,
        "trace_env": os.environ.get("_X_AMZN_TRACE_ID"),
        "client_context": ctx.client_context and [
            ctx.client_context.custom, ctx.client_context.env, ctx.client_context.client
        ],
        "identity": [ctx.identity.cognito_identity_id, ctx.identity.cognito_identity_pool_id],
        "tenant_id": ctx.tenant_id,
        "function": [ctx.function_name, ctx.function_version, ctx.memory_limit_in_mb],
        "log": [ctx.log_group_name, ctx.log_stream_name],
    }
"""


def test_context_fields_and_trace_env(api, start_runtime):
    start_runtime(CONTEXT_APP)
    post = api.invoke(
        b"{}",
        {
            "Lambda-Runtime-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
            "Lambda-Runtime-Client-Context": '{"custom": {"k": "v"}}',
            "Lambda-Runtime-Cognito-Identity": '{"cognitoIdentityId": "id-1"}',
            "Lambda-Runtime-Aws-Tenant-Id": "tenant-9",
        },
    )
    got = post.json()
    assert got["request_id"] == post.request_id
    [sent] = [e for e in api.sent if e.request_id == post.request_id]
    assert got["deadline_ms"] == int(sent.headers["Lambda-Runtime-Deadline-Ms"])
    assert 0 < got["remaining_ms"] <= 30_000
    assert got["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:fn"
    assert (
        got["trace_id"] == got["trace_env"] == "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    )
    assert got["client_context"] == [{"k": "v"}, None, None]
    assert got["identity"] == ["id-1", None]
    assert got["tenant_id"] == "tenant-9"
    assert got["function"] == ["fn", "7", "256"]
    assert got["log"] == ["/aws/lambda/fn", "2026/11/28/[7]abc"]
    # without those headers: None, and the previous trace id does not leak into the next event
    bare = api.invoke(b"{}").json()
    assert [bare[k] for k in ("trace_id", "trace_env", "client_context", "tenant_id")] == [None] * 4
    assert bare["identity"] == [None, None]


def test_untyped_handler_gets_json_and_may_return_bytes_or_none(api, start_runtime):
    start_runtime("""
        from lambdaflow import App
        app = App()

        @app.handler
        def handle(event):
            if event == "bytes":
                return b"\\x00raw"
            if event is None:
                return None
            return {"got": event}
    """)
    assert api.invoke(b'[1, {"a": null}]').json() == {"got": [1, {"a": None}]}
    assert api.invoke(b'"bytes"').body == b"\x00raw"
    assert api.invoke(b"").body == b"null"


def test_one_pooled_connection_serves_a_thousand_invocations(api, start_runtime):
    runtime = start_runtime(FAILING_APP)
    ids = [api.queue_event(b'{"input": "%d"}' % i) for i in range(1000)]
    for i, rid in enumerate(ids):
        assert api.wait_for(rid).json() == {"message": str(i)}
    runtime.wait_for_record("invocation.metrics", count=1000)
    assert api.invocation_connections == 1
    # the only other connection is the shutdown extension's parked event/next
    assert api.connections == 2 and api.extension_names == ["lambdaflow"]


def test_exporting_unique_trace_ids_does_not_grow_memory():
    """libc setenv never frees replaced values: 100k unique ids must not cost ~13 MiB."""
    probe = """
import resource
from lambdaflow.framework.context import FunctionEnvironment, build_context
from lambdaflow.runtime_api.client import Invocation
env = FunctionEnvironment()
def run(start):
    for n in range(start, start + 100_000):
        trace = b"Root=1-5759e988-bd862e3fe1be46a99427%04x;Parent=53995c3f42cd8ad8;Sampled=1" % n
        build_context(Invocation("r", b"r", {b"lambda-runtime-trace-id": trace}, b"", 0), env)
run(0)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
run(100_000)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], env=runtime_env(None), capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) < 2048, f"peak RSS grew {result.stdout} KiB over 100k ids"


PHASED_APP = """
import time
from lambdaflow import App

app = App()

@app.validate
def check(event: dict) -> None:
    time.sleep(0.03)

@app.handler
def handle(event: dict) -> dict:
    time.sleep(0.1)
    return {}
"""


def test_each_phase_is_timed_under_its_own_name(api, start_runtime):
    """Lower bounds only: each sleep lands in the field of the phase that slept."""
    runtime = start_runtime(PHASED_APP)
    api.invoke(b"{}")
    [metrics] = runtime.wait_for_record(METRICS_MESSAGE)
    assert metrics[FIELD_OF_PHASE["validate"]] >= 30
    assert metrics[FIELD_OF_PHASE["handler"]] >= 100
    assert metrics[FIELD_OF_PHASE["unmarshal"]] < metrics[FIELD_OF_PHASE["validate"]]
