"""The I/O-bound handler of `python -m bench concurrency`, for each runtime measured.

Each waits SLEEP_S (an await or a sleep, as its runtime allows) and echoes the event's `n`, so
the driver can check every caller got its own answer.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from lambdaflow import App

SLEEP_S = 0.05

async_app = App()
sync_app = App()


@async_app.handler
async def awaiting(event: dict) -> dict:
    await asyncio.sleep(SLEEP_S)
    return {"n": event["n"]}


@sync_app.handler
def sleeping(event: dict) -> dict:
    time.sleep(SLEEP_S)
    return {"n": event["n"]}


def awslambdaric_sleeping(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """`python -m awslambdaric bench.concurrency_handlers.awslambdaric_sleeping`."""
    time.sleep(SLEEP_S)
    return {"n": event["n"]}
