"""A Router app loads only what routing needs: no asyncio, no ASGI bridge, no OpenAPI
generator, no CORS unless configured (cold start is part of the product)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from lambdaflow import App
from lambdaflow.http import Router
router = Router()
router.get("/orders/{order_id}")(lambda order_id: {"id": order_id})
app = App()
app.handler(router)
app.plan()
print(" ".join(sorted(sys.modules)))
"""


def test_a_router_app_imports_neither_asyncio_nor_the_asgi_bridge_nor_openapi() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True,
                          text=True, check=True)
    loaded = set(done.stdout.split())
    assert "lambdaflow.http.routes" in loaded
    assert not loaded & {"asyncio", "lambdaflow.http.asgi_bridge", "lambdaflow.http.openapi",
                         "lambdaflow.http.cors", "lambdaflow.framework.async_loop"}
