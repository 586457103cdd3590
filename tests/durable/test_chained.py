"""Chained invokes of other emulators' functions: a call that cannot be made fails the
operation (it never leaves it waiting)."""

from __future__ import annotations

import asyncio

import pytest

from lambdaflow.emulator.durable.chained import RemoteTargets, function_name


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("other", "other"),
        ("other:$LATEST", "other"),
        ("arn:aws:lambda:us-east-1:012345678912:function:other", "other"),
        ("arn:aws:lambda:us-east-1:012345678912:function:other:$LATEST", "other"),
    ],
)
def test_a_function_is_named_by_its_name_or_arn(given: str, name: str) -> None:
    assert function_name(given) == name


@pytest.mark.parametrize(
    ("url", "tenant"),
    [("http://127.0.0.1:1", None), ("http://127.0.0.1:1", "bad\r\nX-Injected: 1")],
)
def test_a_call_that_cannot_be_made_reports_a_failure(url: str, tenant: str | None) -> None:
    async def call() -> tuple:
        answered = asyncio.get_running_loop().create_future()
        targets = RemoteTargets({"other": url}, asyncio.get_running_loop())
        targets.invoke("other", "{}", "name", tenant, 5.0, lambda *a: answered.set_result(a))
        return await asyncio.wait_for(answered, 10)

    result, error = asyncio.run(call())
    assert result is None and error["ErrorType"] == "Lambda.ServiceException"
