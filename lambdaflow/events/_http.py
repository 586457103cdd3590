"""The body of an HTTP event (API Gateway, ALB, Function URL): text, or base64 for binary."""

from __future__ import annotations

from ._encoded import base64_bytes


def body_bytes(body: str | None, is_base64_encoded: bool) -> bytes:
    """The request body as the client sent it (base64 is imported by the first binary one)."""
    if body is None:
        return b""
    return base64_bytes(body, "body") if is_base64_encoded else body.encode()
