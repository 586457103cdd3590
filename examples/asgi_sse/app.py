"""A Starlette app on lambdaflow through the ASGI bridge: server-sent events streamed chunk by
chunk through a Function URL (invoke mode RESPONSE_STREAM), a lifespan that opens what the
routes share, and plain JSON routes that work behind any HTTP trigger.

    lambdaflow-emulator --function-url-port 3001 -- python -m lambdaflow examples.asgi_sse.app:app
    curl -N localhost:3001/ticks?count=5
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from lambdaflow import App
from lambdaflow.http import asgi

#: The seconds between two ticks.
TICK_S = float(os.environ.get("ASGI_SSE_TICK_S", "0.2"))


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[dict[str, object]]:
    if os.environ.get("ASGI_SSE_FAIL_STARTUP"):
        raise RuntimeError("the database is unreachable")
    yield {"greeting": "hello"}  # request.state.greeting in every request


async def hello(request: Request) -> JSONResponse:
    return JSONResponse({"message": request.state.greeting, "path": request.url.path})


async def ticks(request: Request) -> StreamingResponse:
    count = int(request.query_params.get("count", "3"))

    async def events() -> AsyncIterator[str]:
        for tick in range(count):
            yield f"event: tick\ndata: {tick}\n\n"
            await asyncio.sleep(TICK_S)

    return StreamingResponse(events(), media_type="text/event-stream")


starlette_app = Starlette(routes=[Route("/", hello), Route("/ticks", ticks)], lifespan=lifespan)
app = App()
app.handler(asgi(starlette_app))
