"""The invoke endpoint and what the runtime sees: names, invocation types, headers, env."""

from __future__ import annotations

import base64
import json
import os
import re
import sys
import time

from .conftest import REPO

MINIMAL = [sys.executable, str(REPO / "bench" / "toys" / "minimal.py")]
STREAMING = [sys.executable, str(REPO / "bench" / "toys" / "streaming_runtime.py")]
TRACE_ID = re.compile(r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$")


def invoke_json(emulator, event: dict, headers: dict[str, str] | None = None) -> dict:
    status, _, body = emulator.invoke(json.dumps(event), headers)
    assert status == 200, body
    return json.loads(body)


def test_other_function_names_are_404_like_lambda(start_emulator) -> None:
    emulator = start_emulator()
    for name in ("other", "test_function"):
        status, headers, body = emulator.invoke(path=f"/2015-03-31/functions/{name}/invocations")
        assert status == 404
        assert headers["X-Amzn-ErrorType"] == "ResourceNotFoundException"
        arn = f"arn:aws:lambda:us-east-1:012345678912:function:{name}"
        assert json.loads(body) == {"Type": "User", "message": f"Function not found: {arn}"}
    status, headers, body = emulator.invoke(path="/somewhere/else")
    assert (status, body) == (404, b"404 page not found\n")  # the RIE's, outside the API
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_configured_name_is_accepted_beside_function(start_emulator) -> None:
    emulator = start_emulator("--function-name", "myfn")
    for name in ("function", "myfn"):
        path = f"/2015-03-31/functions/{name}/invocations"
        assert emulator.invoke(b'{"x": 1}', path=path)[0] == 200
    assert emulator.invoke(path="/2015-03-31/functions/other/invocations")[0] == 404


def test_dry_run_answers_204_and_runs_nothing(start_emulator) -> None:
    emulator = start_emulator()
    status, _, body = emulator.invoke(b"{}", {"X-Amz-Invocation-Type": "DryRun"})
    assert (status, body) == (204, b"")
    assert "START" not in emulator.output()


def test_event_invocations_answer_202_and_run_before_later_ones(start_emulator) -> None:
    emulator = start_emulator()
    for index in range(5):
        event = json.dumps({"mode": "seq", "i": index})
        status, _, body = emulator.invoke(event, {"X-Amz-Invocation-Type": "Event"})
        assert (status, body) == (202, b"")
    answer = invoke_json(emulator, {"mode": "seq", "i": "last"})
    assert answer["n"] == 6


def test_client_context_is_base64_decoded_for_the_runtime(start_emulator) -> None:
    emulator = start_emulator()
    context = {"custom": {"tenant": "t-1"}, "env": {"locale": "en"}}
    encoded = base64.b64encode(json.dumps(context).encode()).decode()
    answer = invoke_json(emulator, {"mode": "env"}, {"X-Amz-Client-Context": encoded})
    assert json.loads(answer["headers"]["Lambda-Runtime-Client-Context"]) == context
    status, _, _ = emulator.invoke(b"{}", {"X-Amz-Client-Context": "not base64!"})
    assert status == 400


def test_client_context_bytes_pass_unchanged_and_cannot_inject_headers(start_emulator) -> None:
    emulator = start_emulator()
    utf8 = {"custom": {"price": "5€", "city": "Zürich"}}
    encoded = base64.b64encode(json.dumps(utf8, ensure_ascii=False).encode()).decode()
    answer = invoke_json(emulator, {"mode": "env"}, {"X-Amz-Client-Context": encoded})
    received = answer["headers"]["Lambda-Runtime-Client-Context"]  # http.client: Latin-1
    assert json.loads(received.encode("latin-1").decode()) == utf8  # the UTF-8 bytes, as sent
    injection = base64.b64encode(b"{}\r\nLambda-Runtime-Aws-Request-Id: injected").decode()
    status, _, _ = emulator.invoke(b"{}", {"X-Amz-Client-Context": injection})
    assert status == 400
    assert invoke_json(emulator, {"mode": "env"})["headers"]  # still serving, promptly


def test_trace_id_is_passed_on_or_generated(start_emulator) -> None:
    emulator = start_emulator()
    given = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    answer = invoke_json(emulator, {"mode": "env"}, {"X-Amzn-Trace-Id": given})
    assert answer["headers"]["Lambda-Runtime-Trace-Id"] == given
    generated = invoke_json(emulator, {"mode": "env"})["headers"]["Lambda-Runtime-Trace-Id"]
    assert TRACE_ID.match(generated), generated


def test_next_carries_json_content_type_and_the_lambda_headers(start_emulator) -> None:
    emulator = start_emulator("--timeout", "30")
    before_ms = time.time() * 1000
    answer = invoke_json(emulator, {"mode": "env"})
    headers = answer["headers"]
    assert answer["content_type"] == "application/json"
    request_id = headers["Lambda-Runtime-Aws-Request-Id"]
    emulator.wait_for_output(f"^END RequestId: {request_id}$")
    assert f"START RequestId: {request_id} Version: $LATEST" in emulator.output()
    deadline_ms = int(headers["Lambda-Runtime-Deadline-Ms"])
    assert before_ms + 29_000 < deadline_ms < time.time() * 1000 + 30_000
    arn = "arn:aws:lambda:us-east-1:012345678912:function:test_function"
    assert headers["Lambda-Runtime-Invoked-Function-Arn"] == arn


def test_runtime_environment_has_the_rie_defaults(start_emulator) -> None:
    emulator = start_emulator()
    env = invoke_json(emulator, {"mode": "env"})["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "test_function"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "3008"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/Functions"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == "$LATEST"
    assert env["AWS_REGION"] == "us-east-1"
    assert env["LAMBDA_TASK_ROOT"] == str(REPO)
    assert re.fullmatch(r"127\.0\.0\.1:\d+", env["AWS_LAMBDA_RUNTIME_API"])


def test_flags_and_rie_variables_configure_the_function(start_emulator) -> None:
    emulator = start_emulator(
        "--memory",
        "512",
        "--function-name",
        "fn",
        env={
            "AWS_LAMBDA_FUNCTION_VERSION": "3",
            "_HANDLER": "app.handler",
            "AWS_REGION": "eu-west-1",
        },
    )
    answer = invoke_json(emulator, {"mode": "env"})
    env = answer["env"]
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "fn"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "3"
    assert env["_HANDLER"] == "app.handler"
    arn = answer["headers"]["Lambda-Runtime-Invoked-Function-Arn"]
    assert arn == "arn:aws:lambda:eu-west-1:012345678912:function:fn"
    report = emulator.wait_for_output(r"^REPORT .*\tMemory Size: (\d+) MB\t")
    assert report.group(1) == "512"
    assert "Version: 3" in emulator.output()


def test_log_tail_holds_the_invocations_output(start_emulator) -> None:
    emulator = start_emulator()
    status, headers, _ = emulator.invoke(b'{"mode": "print"}', {"X-Amz-Log-Type": "Tail"})
    assert status == 200
    tail = base64.b64decode(headers["X-Amz-Log-Result"]).decode()
    request_id = re.search(r"START RequestId: (\S+)", tail).group(1)
    assert "to stdout\n" in tail and "to stderr\n" in tail
    assert f"END RequestId: {request_id}\n" in tail
    assert f"REPORT RequestId: {request_id}\t" in tail
    assert "to stdout\nto stderr\n" in emulator.output()  # both streams reach our stdout, in order


def test_payload_bytes_pass_through_unchanged(start_emulator) -> None:
    emulator = start_emulator(runtime=MINIMAL)
    for payload in (os.urandom(4096), b"", b"plain text not json", os.urandom(1024 * 1024)):
        status, _, body = emulator.invoke(payload)
        assert status == 200
        assert body == payload


def test_tenant_id_is_passed_on(start_emulator) -> None:
    emulator = start_emulator()
    answer = invoke_json(emulator, {"mode": "env"}, {"X-Amz-Tenant-Id": "tenant-42"})
    assert answer["headers"]["Lambda-Runtime-Aws-Tenant-Id"] == "tenant-42"
    assert "Lambda-Runtime-Aws-Tenant-Id" not in invoke_json(emulator, {"mode": "env"})["headers"]


def test_streamed_responses_are_delivered_whole(start_emulator) -> None:
    emulator = start_emulator(runtime=STREAMING)
    status, headers, body = emulator.invoke(
        json.dumps({"chunks": ["hello, ", "streamed ", "world"]})
    )
    assert (status, body) == (200, b"hello, streamed world")
    assert "X-Amz-Function-Error" not in headers


def test_a_stream_ending_in_error_trailers_is_a_function_error(start_emulator) -> None:
    emulator = start_emulator(runtime=STREAMING)
    event = {"chunks": ["partial"], "error": "Function.StreamBroke"}
    status, headers, body = emulator.invoke(json.dumps(event))
    assert (status, headers["X-Amz-Function-Error"]) == (200, "Unhandled")
    assert json.loads(body) == {
        "errorMessage": "broke mid-stream",
        "errorType": "Function.StreamBroke",
    }


def test_a_response_streamed_in_one_byte_chunks_is_delivered_whole(start_emulator) -> None:
    """The Runtime API side decodes chunked bodies with the same incremental decoder."""
    emulator = start_emulator(runtime=STREAMING)
    chunks = [chr(ord("a") + index % 26) for index in range(50_000)]
    status, _, body = emulator.invoke(json.dumps({"chunks": chunks}))
    assert (status, body) == (200, "".join(chunks).encode())


def test_a_tenant_id_with_a_control_character_never_reaches_the_runtime(start_emulator) -> None:
    emulator = start_emulator()
    status, _, _ = emulator.invoke(b"{}", {"X-Amz-Tenant-Id": "t\x01x"})
    assert status == 400
    assert emulator.reports(0) == []
