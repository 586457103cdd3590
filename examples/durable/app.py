"""A durable order workflow: reserve stock, wait for an approval from outside, pause, ship.

Run it locally (the emulator is then the durable service too):

    lambdaflow-emulator --port 9000 --durable --durable-time-skipping -- \\
        python -m lambdaflow examples.durable.app:app

then invoke it, and answer the approval (its callback id is in the history):

    aws lambda invoke --endpoint-url http://127.0.0.1:9000 --function-name function \\
        --invocation-type Event --durable-execution-name order-7 \\
        --payload '{"order_id": "7", "items": ["book"]}' \\
        --cli-binary-format raw-in-base64-out out.json
    aws lambda send-durable-execution-callback-success --endpoint-url http://127.0.0.1:9000 \\
        --callback-id ID --result '"alice"' --cli-binary-format raw-in-base64-out
"""

from __future__ import annotations

import json

import attrs
from aws_durable_execution_sdk_python import DurableContext, StepContext
from aws_durable_execution_sdk_python.config import Duration, WaitForCallbackConfig

from lambdaflow import App
from lambdaflow.durable import durable


@attrs.frozen
class Order:
    order_id: str
    items: list[str]


@attrs.frozen
class Receipt:
    order_id: str
    reservation: str
    approved_by: str
    shipped: bool


app = App()


def reserve(order: Order, step: StepContext) -> str:
    step.logger.info("reserving", extra={"items": len(order.items)})
    return f"res-{order.order_id}-{len(order.items)}"


def ask_for_approval(order: Order, callback_id: str) -> None:
    # a real function would mail callback_id to whoever approves
    print(f"approval for order {order.order_id} awaits callback {callback_id}")


@app.handler
@durable
def place_order(order: Order, context: DurableContext) -> Receipt:
    reservation = context.step(lambda step: reserve(order, step), name="reserve")
    approval = context.wait_for_callback(
        lambda callback_id, _context: ask_for_approval(order, callback_id),
        name="approval",
        config=WaitForCallbackConfig(timeout=Duration.from_minutes(10)),
    )
    context.wait(Duration.from_seconds(5), name="cool-off")
    shipped = context.step(lambda _: True, name="ship")
    approver = json.loads(approval)  # the callback's result, as its sender wrote it (JSON)
    return Receipt(order.order_id, reservation, approver, shipped)
