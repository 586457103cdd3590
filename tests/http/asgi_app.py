"""The Starlette app the ASGI tests serve, in process and behind the emulator
(`python -m lambdaflow tests.http.asgi_app:app`)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from lambdaflow import App
from lambdaflow.http import asgi

events: list[str] = []


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[dict[str, object]]:
    if os.environ.get("TEST_ASGI_FAIL_STARTUP"):
        raise RuntimeError("cannot reach the database")
    events.append("startup")
    yield {"db": "connected"}
    events.append("shutdown")


async def order(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse({
        "id": request.path_params.get("id"),
        "query": sorted(request.query_params.multi_items()),
        "cookies": request.cookies,
        "db": request.state.db,
        "body": body.decode(),
        "method": request.method,
        "has_event": "aws.event" in request.scope,
    }, headers={"x-app": "starlette"})


async def png(request: Request) -> Response:
    data = await request.body()
    return Response(data[::-1], media_type="image/png")


async def cookies(_: Request) -> PlainTextResponse:
    response = PlainTextResponse("ok")
    response.set_cookie("a", "1")
    response.set_cookie("b", "2")
    return response


async def sse(request: Request) -> StreamingResponse:
    gate = request.query_params.get("gate")

    async def stream() -> AsyncIterator[str]:
        yield "data: first\n\n"
        for _ in range(2000):
            if not gate or Path(gate).exists():
                break
            await asyncio.sleep(0.01)
        for tick in range(3):
            yield f"data: {tick}\n\n"
        events.append("streamed")

    return StreamingResponse(stream(), media_type="text/event-stream")


async def boom(_: Request) -> Response:
    raise RuntimeError("secret app detail")


async def background(_: Request) -> PlainTextResponse:
    async def after() -> None:
        events.append("background ran")

    return PlainTextResponse("done", background=BackgroundTask(after))


starlette_app = Starlette(
    routes=[
        Route("/orders/{id}/items", order, methods=["POST"]),
        Route("/orders/{id}", order, methods=["GET", "DELETE"]),
        Route("/", order),
        Route("/thumbnails", png, methods=["PUT"]),
        Route("/cookies", cookies),
        Route("/sse", sse),
        Route("/boom", boom),
        Route("/background", background),
    ],
    lifespan=lifespan,
)
app = App()
app.handler(asgi(starlette_app))
