"""The runtime's lifecycle as a table: (phase, event) -> next phase, in the manner of h11.

One home for which Runtime API call is allowed when: the Sandbox asks ``transition`` and answers
InvalidStateTransition (403) when the table has no entry. The table describes one Runtime API
conversation (one runtime serving one invocation at a time); Managed Instances mode runs one
such conversation per concurrent slot, the process-wide events (spawn, init error, exit,
timeout) taken by all of them. A streamed response
(to a caller that streams) is relayed while it arrives: STREAMING lasts from its head to its end.
"""

from __future__ import annotations

import enum


class Phase(enum.Enum):
    """Where the runtime is; values are the state names the RIE uses in InvalidStateTransition."""

    STOPPED = "Stopped"
    INITIALIZING = "Started"
    INIT_FAILED = "InitError"
    IDLE = "Ready"
    BUSY = "Running"
    RESPONDED = "RuntimeResponseSentState"
    STREAMING = "RuntimeResponseStreamingState"
    SNAPSHOTTED = "Snapshotted"  # SnapStart: init done, restore/next held as the snapshot
    RESTORING = "Restoring"  # restore/next answered: the runtime runs its restore hooks
    RESTORE_FAILED = "RestoreError"


class Event(enum.Enum):
    """What can happen to the runtime; values are the RIE's target-state names."""

    SPAWN = "Started"
    NEXT = "Ready"  # the runtime asks for an event (ends init, or ends the previous invoke)
    DELIVER = "Running"  # an event is handed to a parked /next
    RESPONSE = "InvocationResponse"  # for a relayed stream: its end (or its cut)
    STREAM = "InvocationResponseStream"  # a streamed /response began: relayed as it arrives
    ERROR = "InvocationErrorResponse"
    INIT_ERROR = "InitError"
    NEXT_ABANDONED = "NextAbandoned"  # the runtime hung up its parked /next
    EXIT = "Exited"
    TIMEOUT = "TimedOut"  # a deadline passed: the runtime is killed
    EXPIRE = "Expired"  # a deadline passed in Managed Instances mode: the runtime lives on
    RESTORE_NEXT = "RestoreNext"  # SnapStart: the runtime ends init by asking for its restore
    RESTORE = "Restore"  # an invoke arrived: the held restore/next is answered
    RESTORE_ERROR = "RestoreError"


_ANSWERED = {Event.RESPONSE: Phase.RESPONDED, Event.ERROR: Phase.RESPONDED}
_ENDS = {Event.EXIT: Phase.STOPPED, Event.TIMEOUT: Phase.STOPPED}
#: The invocation is over for its caller; the runtime's late answer is refused, its /next
#: starts the conversation again.
_EXPIRES = {Event.EXPIRE: Phase.RESPONDED}

TRANSITIONS: dict[Phase, dict[Event, Phase]] = {
    Phase.STOPPED: {Event.SPAWN: Phase.INITIALIZING},
    Phase.INITIALIZING: {
        Event.NEXT: Phase.IDLE,
        Event.INIT_ERROR: Phase.INIT_FAILED,
        Event.RESTORE_NEXT: Phase.SNAPSHOTTED,  # only when the emulator runs SnapStart
        **_ENDS,
    },
    Phase.SNAPSHOTTED: {Event.RESTORE: Phase.RESTORING, **_ENDS},
    Phase.RESTORING: {Event.NEXT: Phase.IDLE, Event.RESTORE_ERROR: Phase.RESTORE_FAILED, **_ENDS},
    Phase.RESTORE_FAILED: dict(_ENDS),
    Phase.INIT_FAILED: dict(_ENDS),
    Phase.IDLE: {
        Event.NEXT: Phase.IDLE,  # a re-poll: the latest /next wins
        Event.DELIVER: Phase.BUSY,
        Event.NEXT_ABANDONED: Phase.RESPONDED,  # no /next parked: wait for it to ask again
        **_ENDS,
    },
    Phase.BUSY: {**_ANSWERED, Event.STREAM: Phase.STREAMING, **_EXPIRES, **_ENDS},
    Phase.STREAMING: {Event.RESPONSE: Phase.RESPONDED, **_EXPIRES, **_ENDS},
    Phase.RESPONDED: {Event.NEXT: Phase.IDLE, **_EXPIRES, **_ENDS},
}


def transition(phase: Phase, event: Event) -> Phase | None:
    """The phase after ``event``, or None when the event is not allowed in ``phase``."""
    return TRANSITIONS[phase].get(event)
