"""Small durable functions the backend tests run in the emulator (one App per behaviour)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import CallbackConfig, Duration, StepConfig
from aws_durable_execution_sdk_python.retries import RetryPresets

from lambdaflow import App

#: wait: the seconds ``steps`` waits between its steps.
WAIT_SECONDS = int(os.environ.get("DURABLE_TEST_WAIT", "60"))

steps = App()


@steps.handler
@durable_execution  # the SDK's own decorator, straight on a lambdaflow handler
def two_steps(event: Any, context: DurableContext) -> Any:
    first = context.step(lambda _: f"hello {event['name']}", name="greet")
    context.wait(Duration.from_seconds(WAIT_SECONDS), name="pause")
    return {"first": first, "second": context.step(lambda _: first.upper(), name="shout")}


crashing = App()


def _crash_once(_step: Any) -> int:
    marker = Path(os.environ["DURABLE_TEST_MARKER"])
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        os._exit(3)  # the process dies mid-step, as an out-of-memory kill would
    return os.getpid()


@crashing.handler
@durable_execution
def crash_then_succeed(event: Any, context: DurableContext) -> int:
    config = StepConfig(retry_strategy=RetryPresets.none())
    return context.step(_crash_once, name="fragile", config=config)


callback = App()


@callback.handler
@durable_execution
def await_callback(event: Any, context: DurableContext) -> str:
    created = context.create_callback(
        name="approval", config=CallbackConfig(timeout=Duration.from_seconds(300))
    )
    return f"approved by {created.result()}"


plain = App()


@plain.handler
def not_durable(event: Any) -> dict[str, str]:
    return {"not": "durable"}


chain = App()


@chain.handler
@durable_execution
def invoke_others(event: Any, context: DurableContext) -> Any:
    """Invokes the function named in the input, or itself one level deeper."""
    if event.get("depth", 0) >= 1:
        return {"depth": event["depth"]}
    target = event.get("target") or os.environ["AWS_LAMBDA_FUNCTION_NAME"]
    return {"child": context.invoke(target, {"depth": 1}, name="child")}


# the same steps, with the SDK's boto3 client built during init (SnapStart then keeps it)
prebuilt = App()
prebuilt.handler(two_steps)


@prebuilt.cold_start
def _build_client() -> None:
    from aws_durable_execution_sdk_python.lambda_service import LambdaClient

    LambdaClient.initialize_client()
