"""Response and HTTPError: what a route answers, and how any answer becomes one.

A route may return a `Response`, an `HttpStream`, a generator (streamed), bytes, str, None or a
typed value (JSON through the codec). `as_response` turns each into a Response, so middlewares
and the triggers see one kind of answer.
"""

from __future__ import annotations

from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from types import AsyncGeneratorType, GeneratorType
from typing import Any

import ujson

from ..framework.streaming import HttpStream

JSON = "application/json"
OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain; charset=utf-8"
#: Streamed answers are bodies of these kinds (a generator, an async generator, an iterator).
_STREAMED = (GeneratorType, AsyncGeneratorType)


class Response:
    """An HTTP answer: status, headers, Set-Cookie values and a body.

    `body` is bytes or str (buffered), or an iterator / async iterator of chunks (streamed where
    the trigger streams, gathered where it cannot). Headers and cookies are checked when the
    answer is sent (a CR or LF in one is refused, never sent).
    """

    __slots__ = ("body", "cookies", "headers", "status_code")

    def __init__(
        self,
        body: bytes | str | Iterable[bytes | str] | AsyncIterable[bytes | str] = b"",
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        cookies: Sequence[str] = (),
        content_type: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.headers = dict(headers) if headers else {}
        if content_type is not None:
            self.headers["content-type"] = content_type
        elif body.__class__ is str and not any(k.lower() == "content-type" for k in self.headers):
            self.headers["content-type"] = TEXT
        self.cookies = list(cookies)
        self.body = body

    @property
    def streamed(self) -> bool:
        return self.body.__class__ not in (bytes, str)

    @classmethod
    def json(cls, value: Any, status_code: int = 200, **options: Any) -> Response:
        """`value` as JSON (attrs classes and dataclasses through the codec)."""
        from ..framework.codec import encode

        return cls(encode(value), status_code, content_type=JSON, **options)

    def __repr__(self) -> str:
        return f"<Response {self.status_code}>"


class HTTPError(Exception):
    """Raise it in a route (or a before middleware) to answer `status_code` with a JSON
    `{"message": ...}` body; `errors` adds the per-field problems of a 400."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.errors = errors
        self.headers = dict(headers) if headers else {}

    def response(self) -> Response:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        headers = {"content-type": JSON, **self.headers}
        return Response(ujson.dumps(body, ensure_ascii=False).encode(), self.status_code, headers)


def as_response(result: Any, encode: Callable[[Any], bytes]) -> Response:
    """Any route result as a Response; `encode` is the route's JSON encoder (built once)."""
    cls = result.__class__
    if cls is Response:
        return result
    if cls is dict or cls is list:
        return _json(encode(result))
    if cls is bytes:
        return Response(result, content_type=OCTET_STREAM)
    if cls is str:
        return Response(result, content_type=TEXT)
    if result is None:
        return Response(b"", 204)
    if cls is HttpStream:
        return Response(result.body, result.status_code, result.headers, result.cookies)
    if cls in _STREAMED:
        return Response(result, content_type=OCTET_STREAM)
    if isinstance(result, Response):
        return result
    if isinstance(result, (Iterator, AsyncIterator)):  # any other iterator streams too
        return Response(result, content_type=OCTET_STREAM)
    return _json(encode(result))


def _json(body: bytes) -> Response:
    """A 200 JSON answer, built without __init__'s checks: the hot path of a typed route."""
    response = Response.__new__(Response)
    response.body = body
    response.status_code = 200
    response.headers = {"content-type": JSON}
    response.cookies = []
    return response
