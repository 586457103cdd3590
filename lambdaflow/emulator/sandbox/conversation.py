"""One Runtime API conversation: a phase of the table, the invocation it serves, its /next.

A runtime has one conversation (Lambda's classic model), or N in Managed Instances mode
(``--max-concurrency N``), each on its own connection and with its own deadline; the process
they share (spawn, init, exit) stays the Sandbox's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.sandbox.pending_invoke import PendingInvoke
from lambdaflow.emulator.sandbox.scheduling import Deadline
from lambdaflow.emulator.sandbox.states import Phase

#: Phases in which the runtime owes this conversation an answer.
_ANSWER_OWED = frozenset({Phase.BUSY, Phase.STREAMING})


class RuntimeConnection(Protocol):
    """What a conversation needs of the connection it is bound to."""

    @property
    def closed(self) -> bool: ...


@dataclass(slots=True, eq=False)
class Conversation:
    """What the Sandbox tracks per conversation; the rules are the table's."""

    deadline: Deadline
    phase: Phase = Phase.STOPPED
    current: PendingInvoke | None = None
    parked_next: Deferred | None = None
    last_answered_id: str = ""
    #: The connection whose /next calls are this conversation's (Managed Instances only).
    connection: RuntimeConnection | None = None

    def is_free(self) -> bool:
        """Free for a new connection: not bound, or bound to a closed one and owed nothing."""
        connection = self.connection
        return connection is None or (connection.closed and self.phase not in _ANSWER_OWED)
