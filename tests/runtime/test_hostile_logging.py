"""Caller bytes in log records (issue 22): a real runtime subprocess logs what a caller sent,
in the TEXT and JSON formats, and no record line can be forged or lost."""

from __future__ import annotations

import json

FORGED = "x\n[ERROR]\t2026-01-01T00:00:00Z\tforged\tinvocation.metrics\tok=1\x1b[2J\0"

EXCEPTION_APP = """
from lambdaflow import App, logger

app = App()

@app.handler
def handle(event: dict) -> dict:
    try:
        try:
            raise KeyError("inner")
        except KeyError:
            error = ValueError(event["body"])
            error.add_note(event["body"])
            raise error
    except ValueError:
        logger.exception("peer.failed")
    return {}
"""


def test_text_format_escapes_an_exception_s_message_and_notes(api, start_runtime) -> None:
    runtime = start_runtime(EXCEPTION_APP, AWS_LAMBDA_LOG_FORMAT="TEXT")
    api.invoke(json.dumps({"body": FORGED}).encode())
    api.invoke(b'{"body": "y"}')
    runtime.stop()
    assert not any(line.startswith("[ERROR]\t2026-01-01") for line in runtime.lines)
    assert not any("\x1b" in line or "\0" in line for line in runtime.lines)
    escaped = r"x\x0a[ERROR]\x092026-01-01T00:00:00Z\x09forged\x09invocation.metrics\x09ok=1"
    assert f"ValueError: {escaped}\\x1b[2J\\x00" in runtime.lines
    assert f"{escaped}\\x1b[2J\\x00" in runtime.lines  # the note
    assert sum(line.startswith("[ERROR]") for line in runtime.lines) == 2  # one per invoke
    assert any(line.startswith("Traceback") for line in runtime.lines)


FIELD_APP = """
from lambdaflow import App, logger

app = App()

@app.handler
def handle(event: dict) -> dict:
    logger.info(event["body"], body=event["body"])
    return {}
"""


def test_text_format_escapes_line_separators_c1_controls_and_lone_surrogates(
    api, start_runtime
) -> None:
    """NEL, CSI, U+2028 and U+2029 are escaped like the C0 controls; a lone surrogate (JSON can
    carry one) is escaped rather than losing the record to a UnicodeEncodeError."""
    runtime = start_runtime(FIELD_APP, AWS_LAMBDA_LOG_FORMAT="TEXT")
    body = "a\\u0085b\\u009b[2Jc\\u2028d\\u2029e\\ud800f"  # JSON escapes, decoded by the runtime
    api.invoke(b'{"body": "' + body.encode() + b'"}')
    api.invoke(b'{"body": "y"}')
    runtime.stop()
    said = [line for line in runtime.lines if "\tbody=" in line]
    escaped = r"a\x85b\x9b[2Jc\u2028d\u2029e\ud800f"
    assert said[0].split("\t")[3:] == [escaped, f"body={escaped}"]
    assert said[1].split("\t")[3:] == ["y", "body=y"]


BOUND_APP = """
from lambdaflow import App, logger, metrics

app = App()

@app.handler
def handle(event: dict) -> dict:
    metrics.add("orders", 1)
    logger.bind(**event).info("peer.fields")
    logger.info("peer.kwargs", **event)
    return {}
"""


def test_json_format_never_writes_a_callers_aws_member_at_the_root(api, start_runtime) -> None:
    """CloudWatch reads a root `_aws` member as metric definitions: a caller's goes under
    `user._aws`; the runtime's own metrics record keeps its `_aws`."""
    runtime = start_runtime(BOUND_APP, LAMBDAFLOW_METRICS_NAMESPACE="Shop")
    forged = {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "x", "Metrics": []}]}
    api.invoke(json.dumps({"_aws": forged, "other": 1}).encode())
    runtime.wait_for_record("invocation.metrics")
    runtime.stop()
    for message in ("peer.fields", "peer.kwargs"):
        (record,) = runtime.records(message)
        assert "_aws" not in record
        assert (record["user._aws"], record["other"]) == (forged, 1)
    (metrics_record,) = runtime.records("invocation.metrics")
    assert metrics_record["_aws"]["CloudWatchMetrics"][-1]["Metrics"] == [
        {"Name": "orders", "Unit": "Count"}
    ]
