"""HTTP functions: Flask-style routes for API Gateway, Function URLs and ALB, and ASGI apps.

    from lambdaflow import App
    from lambdaflow.http import Router

    app = App()
    router = Router()

    @router.get("/orders/{order_id}")
    def get_order(order_id: int) -> Order: ...

    app.handler(router)

Names are resolved on first use (PEP 562): a Router app never imports the ASGI bridge.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Router": "routes",
    "Group": "routes",
    "Request": "request",
    "Response": "response",
    "HTTPError": "response",
    "CORS": "cors",
    "Query": "params",
    "Header": "params",
    "Cookie": "params",
    "Body": "params",
    "asgi": "asgi",
}

__all__ = [
    "CORS",
    "Body",
    "Cookie",
    "Group",
    "HTTPError",
    "Header",
    "Query",
    "Request",
    "Response",
    "Router",
    "asgi",
]

if TYPE_CHECKING:
    from .asgi import asgi
    from .cors import CORS
    from .params import Body, Cookie, Header, Query
    from .request import Request
    from .response import HTTPError, Response
    from .routes import Group, Router


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lambdaflow.http' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
