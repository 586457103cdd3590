"""CORS: which origins may call the API, the preflight answer, and the headers every answer to
an allowed origin carries. Configured once on the Router; nothing here runs for a request
without an Origin header."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .request import Request
from .response import Response


class CORS:
    """`Router(cors=CORS(allow_origins=["https://app.example.com"]))`; `"*"` allows any origin
    (echoed back when credentials are allowed, as browsers require)."""

    def __init__(
        self,
        allow_origins: Sequence[str] = ("*",),
        allow_headers: Sequence[str] = ("authorization", "content-type"),
        expose_headers: Sequence[str] = (),
        allow_credentials: bool = False,
        max_age: int = 600,
    ) -> None:
        self.any_origin = "*" in allow_origins
        self.allow_origins = frozenset(allow_origins) - {"*"}
        self.allow_headers = ",".join(h.lower() for h in allow_headers)
        self.expose_headers = ",".join(expose_headers)
        self.allow_credentials = allow_credentials
        self.max_age = str(max_age)

    def allowed(self, origin: str | None) -> str | None:
        """The Access-Control-Allow-Origin value for `origin`, or None if it is not allowed."""
        if not origin:
            return None
        if origin in self.allow_origins:
            return origin
        if self.any_origin:
            return origin if self.allow_credentials else "*"
        return None

    def is_preflight(self, request: Request) -> bool:
        headers = request.headers
        return "origin" in headers and "access-control-request-method" in headers

    def preflight(self, request: Request, methods: Iterable[str]) -> Response:
        """204 with what the browser asked to be told; 403 for an origin not allowed."""
        allow = self.allowed(request.headers.get("origin"))
        if allow is None:
            return Response(b"", 403)
        headers = {
            "access-control-allow-origin": allow,
            "access-control-allow-methods": ",".join(sorted(methods)),
            "access-control-allow-headers": self.allow_headers,
            "access-control-max-age": self.max_age,
            "vary": "Origin",
        }
        if self.allow_credentials:
            headers["access-control-allow-credentials"] = "true"
        return Response(b"", 204, headers)

    def decorate(self, request: Request, response: Response) -> None:
        """Add the CORS headers of an actual (not preflight) answer to an allowed origin."""
        allow = self.allowed(request.headers.get("origin"))
        if allow is None:
            return
        headers = response.headers
        headers["access-control-allow-origin"] = allow
        if allow != "*":
            headers["vary"] = "Origin"
        if self.allow_credentials:
            headers["access-control-allow-credentials"] = "true"
        if self.expose_headers:
            headers["access-control-expose-headers"] = self.expose_headers
