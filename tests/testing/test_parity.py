"""The client answers as the runtime does: the same events through `python -m lambdaflow`
against a Runtime API on loopback, and through LambdaTestClient, give the same bodies, error
payloads, outcomes and metrics record keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdaflow.testing import InitFailed, LambdaTestClient
from tests.runtime.conftest import RuntimeProcess, runtime_env
from tests.runtime.fake_runtime_api import FakeRuntimeApi

from .test_plugin import REPO

EVENTS = [
    b'{"input": "hi"}',
    b"not json",
    b'{"input": ""}',
    b'{"input": 5}',
    b"{}",
    b"",
]
#: What differs between any two invocations, in-process or not.
PER_INVOCATION = {"timestamp", "request_id", "function_name"}


@pytest.fixture
def api():
    with FakeRuntimeApi() as server:
        yield server


def run_runtime(api: FakeRuntimeApi, target: str, tmp_path: Path) -> RuntimeProcess:
    return RuntimeProcess(target, tmp_path, runtime_env(api.address, PYTHONPATH=str(REPO)))


def test_invocations_answer_as_the_runtime_does(api: FakeRuntimeApi, tmp_path: Path) -> None:
    runtime = run_runtime(api, "examples.echo.app:app", tmp_path)
    try:
        posts = [api.invoke(event) for event in EVENTS]
        records = runtime.wait_for_record("invocation.metrics", count=len(EVENTS))
    finally:
        runtime.stop()
    with LambdaTestClient("examples.echo.app:app") as client:
        results = [client.invoke(event) for event in EVENTS]
    for event, post, record, result in zip(EVENTS, posts, records, results, strict=True):
        assert result.outcome == record["outcome"], event
        assert result.metrics.keys() == record.keys(), event
        if post.kind == "response":
            assert result.body == post.body, event
        else:
            assert result.error is not None, event
            expected = post.json()
            assert (result.error.type, result.error.message, result.error.stack) == (
                expected["errorType"],
                expected["errorMessage"],
                expected["stackTrace"],
            ), event
    assert [r.outcome for r in results] == [
        "success",
        "unmarshal_error",
        "validation_error",
        "unmarshal_error",
        "unmarshal_error",
        "unmarshal_error",
    ]


def test_init_failure_is_the_payload_the_runtime_posts(api: FakeRuntimeApi, tmp_path: Path) -> None:
    target = "tests.testing.apps:failing_cold_start"
    runtime = run_runtime(api, target, tmp_path)
    try:
        assert runtime.wait() == 1
        posted = api.wait_for(None, "init_error").json()
    finally:
        runtime.stop()
    with pytest.raises(InitFailed) as failed:
        LambdaTestClient(target).__enter__()
    error = failed.value.error
    assert (error.type, error.message, error.stack) == (
        posted["errorType"],
        posted["errorMessage"],
        posted["stackTrace"],
    )
    logged = {k: v for k, v in failed.value.logs[0].items() if k not in PER_INVOCATION}
    [runtime_logged] = runtime.records("init.error")
    assert logged == {k: v for k, v in runtime_logged.items() if k not in PER_INVOCATION}
