"""What the Runtime API said to a request, as the runtime acts on it: a `Verdict`, never a status.

In the manner of aws-lambda-go, whose loop calls `invoke.success`/`failure` and never sees an
HTTP status: the client turns each reply into one of a few kinds, and the rest of the runtime
acts on the kind.
"""

from __future__ import annotations

from .replies import Reply


class Verdict:
    """What the Runtime API said to a POST (or to a call that has no event to hand over)."""

    __slots__ = ("body", "kind", "status")

    ACCEPTED = "accepted"
    TOO_LARGE = "too_large"
    ALREADY_ANSWERED = "already_answered"
    REJECTED = "rejected"
    #: A streamed answer's connection failed midway: the Runtime API has what was sent, or
    #: nothing; it is not sent again (status 0, `body` says what failed).
    BROKEN = "broken"

    def __init__(self, kind: str, status: int, body: bytes = b"") -> None:
        self.kind = kind
        self.status = status
        self.body = body

    @property
    def accepted(self) -> bool:
        return self.kind == "accepted"

    @property
    def excerpt(self) -> str:
        """The start of the body, for a log line or an exception."""
        return self.body[:200].decode(errors="replace")

    def describe(self) -> str:
        """The status and the start of the body."""
        return f"{self.status}: {self.excerpt}"


_ACCEPTED = Verdict(Verdict.ACCEPTED, 202)
_KINDS = {413: Verdict.TOO_LARGE, 403: Verdict.ALREADY_ANSWERED}


def verdict_of(reply: Reply) -> Verdict:
    if 200 <= reply.status < 300:
        return _ACCEPTED if reply.status == 202 else Verdict(Verdict.ACCEPTED, reply.status)
    return Verdict(_KINDS.get(reply.status, Verdict.REJECTED), reply.status, reply.body)
