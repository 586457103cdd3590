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

from typing import TYPE_CHECKING, Any

__all__ = ["durable"]

if TYPE_CHECKING:
    from .handler import durable


def __getattr__(name: str) -> Any:
    """PEP 562, as `lambdaflow.events` and `lambdaflow.http`: `lambdaflow.durable.testing`
    alone does not load the handler module."""
    if name != "durable":
        raise AttributeError(f"module 'lambdaflow.durable' has no attribute {name!r}")
    from .handler import durable

    globals()[name] = durable
    return durable
