"""Durable functions on lambdaflow: typed handlers over the official SDK
(``aws-durable-execution-sdk-python``, the ``durable`` extra), and an in-process test client.

    from aws_durable_execution_sdk_python import DurableContext
    from lambdaflow.durable import durable

    @app.handler
    @durable
    def place(order: Order, context: DurableContext) -> Receipt: ...

Only a durable function imports this package; the SDK and boto3 load with it, never with the
plain runtime.

- `handler`: `durable`, the typed form of the SDK's `durable_execution`
- `testing`: durable handlers run in process, time skipped, returning the history
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import exports_on_first_use

__all__ = ["durable"]

if TYPE_CHECKING:
    from .handler import durable


__getattr__ = exports_on_first_use(__name__, {"durable": "handler"}, globals())
