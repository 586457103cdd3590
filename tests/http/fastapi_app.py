"""A FastAPI app for the ASGI bridge's tests: pydantic-typed routes, sync and async, and a
dependency; module level, so its annotations resolve."""

from __future__ import annotations

from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel

from lambdaflow import App
from lambdaflow.http import asgi


class Item(BaseModel):
    sku: str
    qty: int


api = FastAPI()


def caller(x_caller: str = Header(default="anonymous")) -> str:
    return x_caller


@api.post("/orders/{order_id}/items")
async def add_item(order_id: int, item: Item, who: str = Depends(caller)) -> dict:
    return {"order_id": order_id, "sku": item.sku, "qty": item.qty, "who": who}


@api.get("/orders/{order_id}")
def get_order(order_id: int) -> dict:  # a sync route: FastAPI runs it in its thread pool
    if order_id == 404:
        raise HTTPException(status_code=404, detail="no such order")
    return {"order_id": order_id}


app = App()
app.handler(asgi(api))
