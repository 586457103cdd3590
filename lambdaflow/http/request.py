"""Request: one HTTP request, whichever trigger delivered it, read from the event on demand.

Only the method and the path are read for every request (routing needs them); headers, query,
cookies and the body are worked out the first time something asks, by the trigger that knows
its event's shape (`triggers`), and kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..context import Context
    from .triggers import Trigger

_UNSET: Any = object()


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
        return self.trigger.raw_path(self.event)

    @property
    def headers(self) -> dict[str, str]:
        """Header names in lower case; repeated headers joined with commas."""
        if self._headers is _UNSET:
            self._headers = self.trigger.headers(self.event)
        return self._headers

    @property
    def query_items(self) -> list[tuple[str, str]]:
        """Every query parameter in order, decoded, repeats kept."""
        if self._query is _UNSET:
            self._query = self.trigger.query(self.event)
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
        return self.trigger.raw_query(self.event)

    @property
    def cookies(self) -> dict[str, str]:
        """Request cookies by name (the last of repeated names wins)."""
        if self._cookies is _UNSET:
            found = {}
            for pair in self.trigger.cookies(self.event, self.headers):
                name, _, value = pair.partition("=")
                if name.strip():
                    found[name.strip()] = value.strip()
            self._cookies = found
        return self._cookies

    @property
    def body(self) -> bytes:
        """The body as the client sent it (base64 undone)."""
        if self._body is _UNSET:
            self._body = self.trigger.body(self.event)
        return self._body

    @property
    def source_ip(self) -> str:
        return self.trigger.source_ip(self.event, self.headers)

    def json(self) -> Any:
        """The body parsed as JSON (None for an empty body); a bad body raises UnmarshalError."""
        from ..codec import decode_json

        return decode_json(self.body)

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path!r} via {self.trigger.name}>"
