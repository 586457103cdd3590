"""Timings: when each phase of one invocation ended, as the metrics line reports them.

Set by whoever runs the phase (the loop: arrived and received; `framework.phases`: decoded,
validated, handled, encoded; a stream's end: handled and encoded again), read once by
`metrics_line`. Monotonic nanoseconds (`perf_counter_ns`); a phase that did not run ends when
the one before it did.
"""

from __future__ import annotations


class Timings:
    """The end of each phase of one invocation, in the order the phases run."""

    __slots__ = ("arrived", "decoded", "encoded", "handled", "received", "validated")

    def __init__(self, arrived: int, received: int) -> None:
        #: The /next reply started to arrive (idle waiting ends here).
        self.arrived = arrived
        #: The event was read whole and the Context built.
        self.received = received
        self.decoded = self.validated = self.handled = self.encoded = received

    def failed_after(self, phase: int, now: int) -> None:
        """Phase `phase` (0 decode .. 3 encode) failed at `now`: it and those after it end then."""
        if phase <= 0:
            self.decoded = now
        if phase <= 1:
            self.validated = now
        if phase <= 2:
            self.handled = now
        self.encoded = now
