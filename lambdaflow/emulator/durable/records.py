"""Durable executions as data, and the store that holds them (memory, optionally a file).

An operation is kept in the API's wire form (a dict with ``Id``, ``Type``, ``Status``, the
``*Details``); timestamps are epoch seconds, as the REST-JSON protocol carries them. Only data
lives here: timers and waiting callers belong to the scheduler and are rebuilt from this on load.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

RUNNING = "RUNNING"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"
TIMED_OUT = "TIMED_OUT"
STOPPED = "STOPPED"
TERMINAL = frozenset({SUCCEEDED, FAILED, TIMED_OUT, STOPPED})

#: Ended executions kept (memory stays bounded however long the emulator runs).
MAX_ENDED = 10_000
#: Lambda's rule for execution names (the X-Amz-Durable-Execution-Name header).
NAME_PATTERN = re.compile(r"[a-zA-Z0-9_-]{1,64}")


def execution_arn(function_arn: str, version: str, name: str) -> str:
    """``arn:aws:lambda:R:A:function:NAME:$LATEST/durable-execution/EXECNAME/ID``.

    ID is a UUID derived from the rest: a name starts one execution per function, so a caller
    that names the execution (a chained invoke does) knows its ARN before the target answers.
    """
    qualified = f"{function_arn}:{version}"
    return f"{qualified}/durable-execution/{name}/{uuid.uuid5(_ARNS, f'{qualified}/{name}')}"


_ARNS = uuid.UUID("6c616d62-6461-666c-6f77-64757261626c")


@dataclass
class Execution:
    """One durable execution: its operations, its history and where it stands."""

    arn: str
    name: str
    function_arn: str
    version: str
    input_payload: str
    started: float
    timeout_s: float
    status: str = RUNNING
    ended: float | None = None
    result: str | None = None
    error: dict[str, Any] | None = None
    operations: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    #: Serial number of the latest invocation; checkpoint tokens name the one they belong to.
    invocation: int = 0
    running: bool = False
    tokens: int = 0
    #: Operations changed from outside (timers, callbacks) since the last invocation began
    #: (its UpdatedOperationIds), and since the last checkpoint answer (its NewExecutionState).
    updated: list[str] = field(default_factory=list)
    news: list[str] = field(default_factory=list)
    #: A terminal outcome checkpointed by the SDK (a result too large to return), recorded
    #: once the invocation that sent it has ended, as AWS orders it.
    outcome: dict[str, Any] | None = None
    failed_invocations: int = 0
    #: op id -> (kind, due epoch seconds): wait, retry, callback, heartbeat
    timers: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    def touch(self, op_id: str) -> None:
        """An operation changed from outside: the SDK hears of it on its next call."""
        for pending in (self.updated, self.news):
            if op_id not in pending:
                pending.append(op_id)


class Store:
    """Executions by ARN and callbacks by id; saved to ``path`` after changes when given."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self.executions: dict[str, Execution] = {}
        self.callbacks: dict[str, tuple[str, str]] = {}  # callback id -> (arn, op id)
        if path and os.path.exists(path):
            self._load(path)

    def add(self, execution: Execution) -> None:
        """Keep a new execution; beyond ``MAX_ENDED`` ended ones, the oldest ended is dropped
        (Lambda drops them after their retention period)."""
        self.executions[execution.arn] = execution
        ended = [arn for arn, kept in self.executions.items() if kept.done]
        for arn in ended[: max(0, len(ended) - MAX_ENDED)]:
            del self.executions[arn]

    def by_name(self, function_arn: str, name: str) -> Execution | None:
        for execution in self.executions.values():
            if execution.function_arn == function_arn and execution.name == name:
                return execution
        return None

    def save(self) -> None:
        """Write every execution atomically (a crash mid-write keeps the previous file)."""
        if not self.path:
            return
        data = {
            "executions": [asdict(execution) for execution in self.executions.values()],
            "callbacks": self.callbacks,
        }
        folder = os.path.dirname(os.path.abspath(self.path))
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".tmp") as file:
            json.dump(data, file)
        os.replace(file.name, self.path)

    def _load(self, path: str) -> None:
        try:
            with open(path) as file:
                data = json.load(file)
            executions = [Execution(**fields) for fields in data["executions"]]
            callbacks = {key: tuple(value) for key, value in data["callbacks"].items()}
        except (OSError, ValueError, KeyError, TypeError) as error:
            message = f"lambdaflow.emulator: cannot read --durable-state {path}: {error}"
            raise SystemExit(message) from None
        for execution in executions:
            execution.running = False  # whatever ran when the emulator stopped runs again
            self.executions[execution.arn] = execution
        self.callbacks.update(callbacks)  # type: ignore[arg-type]
