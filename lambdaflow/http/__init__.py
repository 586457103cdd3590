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

from typing import TYPE_CHECKING

from .. import exports_on_first_use

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
    "asgi": "asgi_bridge",
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
    from .asgi_bridge import asgi
    from .cors import CORS
    from .params import Body, Cookie, Header, Query
    from .request import Request
    from .response import HTTPError, Response
    from .routes import Group, Router


__getattr__ = exports_on_first_use(__name__, _EXPORTS, globals())


def __dir__() -> list[str]:
    return __all__
