"""Durable functions on lambdaflow: typed handlers over the official SDK
(``aws-durable-execution-sdk-python``, the ``durable`` extra), and an in-process test client.

    from aws_durable_execution_sdk_python import DurableContext
    from lambdaflow.durable import durable

    @app.handler
    @durable
    def place(order: Order, context: DurableContext) -> Receipt: ...

Only a durable function imports this package; the SDK and boto3 load with it, never with the
plain runtime.
"""

from __future__ import annotations

from .handler import durable

__all__ = ["durable"]
