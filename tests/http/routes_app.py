"""The router the tests serve, in process and behind the emulator (`python -m lambdaflow
tests.http.routes_app:app`)."""

from __future__ import annotations

import enum
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import attrs

from lambdaflow import App, Context, HttpStream
from lambdaflow.http import CORS, Header, HTTPError, Query, Request, Response, Router


class Size(enum.Enum):
    SMALL = "small"
    LARGE = "large"


@attrs.frozen
class Item:
    sku: str
    qty: int
    gift: bool = False


@attrs.frozen
class Added:
    order_id: int
    item: Item
    dry_run: bool
    tags: list[str]


app = App()
router = Router(cors=CORS(allow_origins=["https://shop.example.com"], allow_credentials=True),
                title="tests", openapi_path="/openapi.json")
calls: list[str] = []


@router.before
def gatekeeper(request: Request) -> Response | None:
    if request.headers.get("x-blocked"):
        return Response.json({"message": "blocked"}, 403)
    return None


@router.after
def stamp(request: Request, response: Response) -> None:
    response.headers["x-served-by"] = "router"


@router.post("/orders/{id}/items")
def add_item(id: int, item: Item, dry_run: bool = False,
             tag: Annotated[list[str], Query()] = []) -> Added:  # noqa: B006
    return Added(order_id=id, item=item, dry_run=dry_run, tags=tag)


@router.get("/orders/{id}")
def get_order(id: int, request: Request, context: Context,
              fields: str = "all", size: Size = Size.SMALL) -> dict:
    return {
        "id": id, "fields": fields, "size": size.value, "path": request.path,
        "raw_path": request.raw_path,
        "cookies": request.cookies, "request_id": context.aws_request_id,
        "trigger": request.trigger.name,
    }


@router.route("/orders/{id}", methods=["DELETE", "PATCH"])
def change_order(id: int, request: Request) -> Response:
    return Response(b"", 204, headers={"x-method": request.method})


@router.get("/")
def root(key: str = "", x_myheader: Annotated[int | None, Header()] = None) -> dict:
    return {"key": key, "header": x_myheader}


@router.get("/health")
def health() -> Response:
    return Response("ok", cookies=["session=abc; Path=/; HttpOnly", "theme=dark"])


@router.put("/thumbnails")
def thumbnail(body: bytes, request: Request) -> Response:
    return Response(body[::-1], content_type="image/png",
                    headers={"x-length": str(len(body))})


@router.get("/boom")
def boom() -> dict:
    raise RuntimeError("secret internal detail")


@router.get("/teapot")
def teapot() -> dict:
    raise HTTPError(418, "short and stout")


@router.get("/files/{path+}")
def files(path: str) -> str:
    return path


@router.get("/stream")
def stream(gate: str = "", chunks: int = 3) -> HttpStream:
    """First chunk at once; the rest only once `gate` (a file path) exists."""

    def body() -> Iterator[str]:
        yield "first\n"
        deadline = time.monotonic() + 20
        while gate and not Path(gate).exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        for index in range(chunks):
            yield f"chunk {index}\n"
        calls.append("stream ended")

    return HttpStream(headers={"content-type": "text/plain"}, cookies=["streamed=1"],
                      body=body())


@router.get("/generator")
def generator() -> Iterator[bytes]:
    yield b"a"
    yield b"b"


@router.get("/pid")
def pid() -> dict:
    return {"pid": os.getpid()}


app.handler(router)
