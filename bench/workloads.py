"""The two benchmark workloads and the runtime commands that serve them."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from examples.heavy.work import WORKLOADS


def _events(*inputs: str) -> tuple[bytes, ...]:
    return tuple(json.dumps({"input": value}).encode() for value in inputs)


@dataclass(frozen=True)
class Workload:
    """Events cycled through one function, served by lambdaflow or by the awslambdaric peer."""

    name: str
    app: str  # lambdaflow's `module:app`
    peer_handler: str  # awslambdaric's `module.function`, same behaviour as plain dicts
    plain_handler: str  # the same without its own timing line, for bench.toys.stdlib_runtime
    events: tuple[bytes, ...]
    default_invokes: int
    answer_key: str  # the output field that carries the event's input back

    def lambdaflow_command(self) -> list[str]:
        return [sys.executable, "-m", "lambdaflow", self.app]

    def peer_command(self) -> list[str]:
        return [sys.executable, "-m", "awslambdaric", self.peer_handler]

    def stdlib_command(self) -> list[str]:
        """The bare stdlib runtime (bench.toys.stdlib_runtime): the floor under `--peers`."""
        return [sys.executable, "-m", "bench.toys.stdlib_runtime", self.plain_handler]

    def traced_command(self) -> list[str]:
        """lambdaflow under tracemalloc (bench.memtrace), for the separate `--mem` run."""
        return [sys.executable, "-m", "bench.memtrace", self.app]

    @property
    def inputs(self) -> tuple[str, ...]:
        """The events' `input` values, in the order they are cycled."""
        return tuple(json.loads(event)["input"] for event in self.events)

    def event(self, index: int) -> bytes:
        return self.events[index % len(self.events)]

    def label(self, index: int) -> str:
        return self.inputs[index % len(self.events)]

    def answered(self, index: int, body: bytes) -> bool:
        """Whether `body` is this function's answer to event `index`.

        Catches a backend serving some other function (a podman image built for the other
        workload answers 200 too), which would otherwise be benchmarked without a word.
        """
        try:
            answer = json.loads(body)
        except ValueError:
            return False
        return isinstance(answer, dict) and answer.get(self.answer_key) == self.label(index)


END_TO_END = Workload(
    name="end-to-end",
    app="examples.echo.app:app",
    peer_handler="bench.peer_handlers.echo",
    plain_handler="bench.peer_handlers.plain_echo",
    events=_events("hi", "hello, lambda", "a sentence of about sixty characters, to vary the size"),
    default_invokes=1000,
    answer_key="message",
)

HEAVY = Workload(
    name="heavy",
    app="examples.heavy.app:app",
    peer_handler="bench.peer_handlers.heavy",
    plain_handler="bench.peer_handlers.plain_heavy",
    events=_events(*WORKLOADS),
    default_invokes=1000,
    answer_key="workload",
)
