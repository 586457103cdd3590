"""AWS's own Python runtime client (awslambdaric) under the emulator: any runtime works."""

from __future__ import annotations

import base64
import json
import sys

import pytest

pytest.importorskip("awslambdaric", reason="awslambdaric is not installed: run scripts/setup")

HANDLER = """
def handler(event, context):
    if event.get("fail"):
        raise ValueError("nope")
    custom = context.client_context.custom if context.client_context else None
    return {"echo": event, "request_id": context.aws_request_id, "custom": custom}
"""


@pytest.fixture
def ric(start_emulator, tmp_path):
    (tmp_path / "fn.py").write_text(HANDLER)
    runtime = [sys.executable, "-m", "awslambdaric", "fn.handler"]
    env = {"PYTHONPATH": str(tmp_path), "LAMBDA_TASK_ROOT": str(tmp_path)}
    return start_emulator(runtime=runtime, env=env)


def test_awslambdaric_answers_and_sees_the_request_id(ric) -> None:
    status, _, body = ric.invoke(b'{"x": 1}')
    answer = json.loads(body)
    assert (status, answer["echo"]) == (200, {"x": 1})
    ric.wait_for_output(f"^END RequestId: {answer['request_id']}$")


def test_awslambdaric_errors_and_client_context(ric) -> None:
    status, headers, body = ric.invoke(b'{"fail": true}')
    assert (status, headers["X-Amz-Function-Error"]) == (200, "Unhandled")
    assert json.loads(body)["errorType"] == "ValueError"
    context = base64.b64encode(b'{"custom": {"k": "v"}, "client": {}, "env": {}}').decode()
    status, _, body = ric.invoke(b"{}", {"X-Amz-Client-Context": context})
    assert json.loads(body)["custom"] == {"k": "v"}
