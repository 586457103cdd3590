"""Request: one HTTP request, whichever trigger delivered it, read from the event on demand.

Only the method and the path are read for every request (routing needs them); headers, query,
cookies and the body are worked out the first time something asks, by the trigger that knows
its event's shape (`triggers`), and kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import UnmarshalError

if TYPE_CHECKING:
    from ..framework.context import Context
    from .triggers import Trigger

_UNSET: Any = object()


class MalformedEvent(UnmarshalError):
    """A part of the event is not of the shape its trigger gives it (a direct invoke's made-up
    event, say): the invocation is refused, naming the part, rather than answered."""


def read(request: Request, part: str, reader: Callable[[dict[str, Any]], Any]) -> Any:
    """`reader(event)`, any shape error in it a MalformedEvent naming `part`."""
    try:
        return reader(request.event)
    except (AttributeError, KeyError, TypeError, ValueError):
        raise MalformedEvent(
            f"The {request.trigger.name} event's {part} is not of the shape that trigger sends"
        ) from None


class Request:
    """What a route may read beyond its typed parameters: the raw path, headers, query, cookies,
    the body, the event itself and the Context."""

    __slots__ = (
        "_body",
        "_cookies",
        "_headers",
        "_query",
        "context",
        "event",
        "method",
        "path",
        "path_params",
        "trigger",
    )

    def __init__(
        self, trigger: Trigger, event: dict[str, Any], context: Context | None, method: str,
        path: str,
    ) -> None:
        self.trigger = trigger
        self.event = event
        self.context = context
        #: Upper case, as the trigger gives it.
        self.method = method
        #: Percent-decoded, without an API Gateway stage prefix.
        self.path = path
        #: The matched route's path parameters, as strings (the route's arguments are typed).
        self.path_params: dict[str, str] = {}
        self._headers: dict[str, str] = _UNSET
        self._query: list[tuple[str, str]] = _UNSET
        self._cookies: dict[str, str] = _UNSET
        self._body: bytes = _UNSET

    @property
    def raw_path(self) -> str:
        """The path as the client sent it (percent-encoded; with a named stage's prefix)."""
        return read(self, "path", self.trigger.raw_path)

    @property
    def headers(self) -> dict[str, str]:
        """Header names in lower case; repeated headers joined with commas."""
        if self._headers is _UNSET:
            self._headers = read(self, "headers", self.trigger.headers)
        return self._headers

    @property
    def query_items(self) -> list[tuple[str, str]]:
        """Every query parameter in order, decoded, repeats kept."""
        if self._query is _UNSET:
            self._query = read(self, "query string", self.trigger.query)
        return self._query

    @property
    def query(self) -> dict[str, list[str]]:
        """Query parameters by name, each with all its values."""
        found: dict[str, list[str]] = {}
        for name, value in self.query_items:
            found.setdefault(name, []).append(value)
        return found

    @property
    def raw_query(self) -> str:
        """The query string as a client would send it (re-encoded where the trigger decoded it)."""
        return read(self, "query string", self.trigger.raw_query)

    @property
    def cookies(self) -> dict[str, str]:
        """Request cookies by name (the last of repeated names wins)."""
        if self._cookies is _UNSET:
            self._cookies = read(self, "cookies", self._read_cookies)
        return self._cookies

    def _read_cookies(self, event: dict[str, Any]) -> dict[str, str]:
        found = {}
        for pair in self.trigger.cookies(event, self.headers):
            name, _, value = pair.partition("=")
            if name.strip():
                found[name.strip()] = value.strip()
        return found

    @property
    def body(self) -> bytes:
        """The body as the client sent it (base64 undone)."""
        if self._body is _UNSET:
            self._body = read(self, "body", self.trigger.body)
        return self._body

    @property
    def source_ip(self) -> str:
        headers = self.headers
        return read(self, "source IP", lambda event: self.trigger.source_ip(event, headers))

    def json(self) -> Any:
        """The body parsed as JSON (None for an empty body); a body that is not JSON is the
        client's mistake: HTTPError 400 naming it."""
        from ..framework.codec import decode_json
        from .response import HTTPError

        try:
            return decode_json(self.body)
        except UnmarshalError:
            raise HTTPError(400, "Invalid request",
                            errors=[{"field": "body", "problem": "not valid JSON"}]) from None

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path!r} via {self.trigger.name}>"
