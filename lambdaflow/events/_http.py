"""The body of an HTTP event (API Gateway, ALB, Function URL): text, or base64 for binary."""

from __future__ import annotations


def body_bytes(body: str | None, is_base64_encoded: bool) -> bytes:
    """The request body as the client sent it (base64 is imported by the first binary one)."""
    if body is None:
        return b""
    if is_base64_encoded:
        import base64

        return base64.b64decode(body)
    return body.encode()
