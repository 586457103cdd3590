"""A request body held up to a limit and only counted beyond it (an ``http11.BodySink``).

For what a runtime posts (a response, an error): Lambda refuses one over its limit, and says
how large it was, but holding a 120 MB body to learn that costs 120 MB per conversation. Past
``limit`` the bytes are dropped as they arrive; past ``give_up`` the connection is, too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lambdaflow.emulator.http.messages import HttpResponse


@dataclass(frozen=True, slots=True)
class Oversized:
    """A body over its limit, dropped as it arrived: only its size is known."""

    size: int


#: What a posted body is to its route: the bytes, or the size of what was dropped.
Posted = bytes | Oversized
#: The route: (the body, its trailers) -> the answer.
Finish = Callable[[Posted, Mapping[str, str]], HttpResponse]


class CappedBody:
    """Holds up to ``limit`` bytes; ``finish`` gets them, or Oversized, once the body is over."""

    __slots__ = ("_body", "_finish", "_give_up", "_limit", "_size")

    def __init__(self, limit: int, give_up: int, finish: Finish, declared: int = 0) -> None:
        self._body = bytearray()
        # a body declared over the limit is not held even up to it
        self._limit = -1 if declared > limit else limit
        self._give_up = give_up
        self._finish: Finish | None = finish
        self._size = 0

    def data(self, piece: bytes) -> HttpResponse | None:
        self._size += len(piece)
        if self._size <= self._limit:
            self._body += piece
            return None
        if self._body:
            self._body = bytearray()  # over the limit: nothing more is held
        if self._size > self._give_up:  # answered now, and the connection closed
            return self.end({})
        return None

    def end(self, trailers: Mapping[str, str]) -> HttpResponse:
        finish, self._finish = self._finish, None
        assert finish is not None
        body = bytes(self._body) if self._size <= self._limit else Oversized(self._size)
        return finish(body, trailers)

    def abort(self) -> None:
        """The runtime hung up mid-body: as if it never posted (its exit or deadline tells)."""
        self._finish = None
