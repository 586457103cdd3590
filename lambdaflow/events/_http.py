"""The body of an HTTP event (API Gateway, ALB, Function URL): text, or base64 for binary."""

from __future__ import annotations

import base64


def body_bytes(body: str | None, is_base64_encoded: bool) -> bytes:
    """The request body as the client sent it."""
    if body is None:
        return b""
    return base64.b64decode(body) if is_base64_encoded else body.encode()
