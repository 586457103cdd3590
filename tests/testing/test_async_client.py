"""LambdaTestClient with async functions: they run on the process's one event loop, as under the
runtime, so a client made in an async cold_start serves every invocation."""

from __future__ import annotations

import asyncio

from lambdaflow import App, Context
from lambdaflow.testing import LambdaTestClient

app = App()
state: dict[str, object] = {}


@app.cold_start
async def open_client() -> None:
    state["queue"] = asyncio.Queue()  # bound to the loop it was made on
    state["loop"] = asyncio.get_running_loop()


@app.validate
async def check(event: dict, ctx: Context) -> None:
    if event.get("reject"):
        raise ValueError("rejected")


@app.handler
async def handle(event: dict, ctx: Context) -> dict:
    queue = state["queue"]
    await queue.put(event["n"])  # fails with "bound to a different event loop" on a new loop
    await asyncio.sleep(0)
    same_loop = asyncio.get_running_loop() is state["loop"]
    return {"n": await queue.get(), "same_loop": same_loop, "request_id": ctx.aws_request_id}


@app.shutdown
async def close() -> None:
    state["closed"] = asyncio.get_running_loop() is state["loop"]


def test_async_functions_share_the_loop_of_their_cold_start() -> None:
    with LambdaTestClient(app) as client:
        for n in range(3):
            result = client.invoke({"n": n}, aws_request_id=f"r{n}")
            assert result.value == {"n": n, "same_loop": True, "request_id": f"r{n}"}
            assert result.metrics["outcome"] == "success"
        rejected = client.invoke({"n": 9, "reject": True})
        assert rejected.error.type == "ValueError"
        assert rejected.metrics["outcome"] == "validation_error"
    assert state["closed"] is True
