"""Durable handlers run in this process, with time skipped, returning the execution's history.

    from lambdaflow.durable.testing import DurableTestClient

    with DurableTestClient(app) as client:
        run = client.run({"order": 7}, callbacks={"approval": {"ok": True}})
        assert run.status == "SUCCEEDED" and run.result == {...}
        assert [e["EventType"] for e in run.events][:3] == [...]

Every invocation goes through lambdaflow's own phases (``LambdaTestClient``); the durable
service behind the SDK is the emulator's (its checkpoint rules, its history), reached in
process: while a client is open, the SDK's cached boto3 client is this module's stand-in.
Time is virtual: waits, retry backoffs and callback timeouts pass at once. Callbacks are
answered from ``callbacks`` (a callback's name -> its result, or an exception to fail it).
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

import attrs

from ..emulator.durable import checkpoint
from ..emulator.durable.records import Execution, Store, execution_arn
from ..emulator.durable.scheduler import Scheduler
from ..emulator.http.messages import HttpResponse
from ..emulator.routes import rie_responses
from ..emulator.sandbox.pending_invoke import PendingInvoke
from ..framework.app import App
from ..testing import InvocationResult, LambdaTestClient, function_arn

__all__ = ["DurableRun", "DurableTestClient"]

_TIMESTAMPS = (
    (None, "StartTimestamp"),
    (None, "EndTimestamp"),
    ("StepDetails", "NextAttemptTimestamp"),
    ("WaitDetails", "ScheduledEndTimestamp"),
)


@attrs.frozen
class DurableRun:
    """How an execution went: its end (or RUNNING, waiting on something outside), its
    result (decoded JSON) or error, its history and each invocation's own result."""

    status: str
    result: Any
    error: dict[str, Any] | None
    events: list[dict[str, Any]]
    invocations: list[InvocationResult]
    arn: str


class DurableTestClient:
    """Runs executions of one durable App in process (see the module's docstring)."""

    def __init__(self, app: App | str, function_name: str = "test-function") -> None:
        self._client = LambdaTestClient(app, function_name=function_name)
        self._function_arn = function_arn(function_name)  # the ARN its Contexts name
        self._clock = VirtualClock()
        self._queue: list[PendingInvoke] = []
        self._scheduler = Scheduler(Store(), self._clock, self._queue.append, time_skipping=True)
        self._service = _InProcessService(self._scheduler)
        self._previous_client: Any = None

    def __enter__(self) -> DurableTestClient:
        from aws_durable_execution_sdk_python.lambda_service import LambdaClient

        self._client.__enter__()
        self._previous_client = LambdaClient._cached_boto_client
        LambdaClient._cached_boto_client = self._service
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        from aws_durable_execution_sdk_python.lambda_service import LambdaClient

        LambdaClient._cached_boto_client = self._previous_client
        self._client.__exit__(exc_type, exc, tb)

    def run(
        self,
        execution_input: Any = None,
        *,
        name: str | None = None,
        callbacks: Mapping[str, Any] | None = None,
    ) -> DurableRun:
        """Start an execution and drive it until it ends or waits on nothing it can pass."""
        name = name or str(uuid.uuid4())
        arn = execution_arn(self._function_arn, "$LATEST", name)
        payload = json.dumps(execution_input)
        execution = self._scheduler.start(self._function_arn, "$LATEST", name, arn, payload)
        answers = dict(callbacks or {})
        invocations: list[InvocationResult] = []
        while not execution.done:
            if self._queue:
                invocations.append(self._invoke(self._queue.pop(0)))
            elif not self._answer(execution, answers) and not self._clock.run_next(
                stop_at=self._scheduler.time_out
            ):
                break  # only the execution's own timeout is left: it waits on the outside
        result = json.loads(execution.result) if execution.result else None
        return DurableRun(
            execution.status, result, execution.error, execution.events, invocations, arn
        )

    def _invoke(self, invocation: PendingInvoke) -> InvocationResult:
        result = self._client.invoke(
            json.loads(invocation.payload), aws_request_id=invocation.request_id
        )
        if result.body is not None:
            response = HttpResponse(200, result.body)
        else:
            error = result.error
            assert error is not None
            body = json.dumps({"errorType": error.type, "errorMessage": error.message})
            response = rie_responses.function_error(body.encode())
        invocation.answer.resolve(response)
        return result

    def _answer(self, execution: Execution, answers: dict[str, Any]) -> bool:
        """Answer the open callbacks ``answers`` names; whether any was."""
        answered = False
        operations = execution.operations
        for op in list(operations.values()):
            if op["Type"] != "CALLBACK" or op.get("Status") != "STARTED":
                continue
            parent = operations.get(op.get("ParentId") or "", {})
            if parent.get("SubType") == "WaitForCallback":  # its callback is named after it
                op = {**op, "Name": parent.get("Name")}
            if op.get("Name") not in answers:
                continue
            value = answers.pop(op["Name"])
            callback_id = op["CallbackDetails"]["CallbackId"]
            if isinstance(value, BaseException):
                error = {"ErrorType": type(value).__name__, "ErrorMessage": str(value)}
                self._scheduler.complete_callback(callback_id, error=error)
            else:
                self._scheduler.complete_callback(callback_id, result=json.dumps(value))
            answered = True
        return answered


class _InProcessService:
    """The two calls the SDK makes, answered by the emulator's backend in this process (as a
    boto3 client would answer them: timestamps as datetimes)."""

    def __init__(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler
        self._lock = threading.Lock()  # the SDK checkpoints from its own threads

    def checkpoint_durable_execution(self, **call: Any) -> dict[str, Any]:
        with self._lock:
            execution = self._execution(call["DurableExecutionArn"], call["CheckpointToken"])
            operations = self._scheduler.checkpoint(execution, call.get("Updates", []))
            token = self._scheduler.token_for(execution)
        return {
            "CheckpointToken": token,
            "NewExecutionState": {"Operations": [_as_boto3(op) for op in operations]},
        }

    def get_durable_execution_state(self, **call: Any) -> dict[str, Any]:
        with self._lock:
            execution = self._execution(call["DurableExecutionArn"], call["CheckpointToken"])
            operations = [_as_boto3(checkpoint.public(op)) for op in execution.operations.values()]
        return {"Operations": operations}

    def _execution(self, arn: str, token: str) -> Execution:
        execution = self._scheduler.store.executions.get(arn)
        if execution is None or not self._scheduler.token_valid(execution, token):
            raise checkpoint.Refused(f"invalid checkpoint token for {arn}")
        return execution


def _as_boto3(op: dict[str, Any]) -> dict[str, Any]:
    converted = dict(op)
    for details, key in _TIMESTAMPS:
        holder = converted if details is None else converted.get(details)
        if holder and key in holder:
            if details is not None:
                holder = converted[details] = dict(holder)
            holder[key] = dt.datetime.fromtimestamp(holder[key], tz=dt.UTC)
    return converted


class VirtualClock:
    """The scheduler's clock, with time that passes only when ``run_next`` moves it."""

    def __init__(self) -> None:
        self._now = time.time()
        self._timers: list[list[Any]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._now

    def wall(self) -> float:
        return self._now

    def call_later(self, delay: float, callback: Callable[..., None], *args: Any) -> Any:
        entry = [self._now + max(0.0, delay), next(self._order), callback, args]
        heapq.heappush(self._timers, entry)
        return _Timer(entry)

    def call_soon(self, callback: Callable[..., None], *args: Any) -> Any:
        return self.call_later(0.0, callback, *args)

    def run_next(self, stop_at: Callable[..., None]) -> bool:
        """Run the earliest timer, moving time to it; False if none is left but ``stop_at``."""
        while self._timers:
            due, _order, callback, args = self._timers[0]
            if callback is None:
                heapq.heappop(self._timers)
                continue
            if callback == stop_at:
                return False
            heapq.heappop(self._timers)
            self._now = max(self._now, due)
            callback(*args)
            return True
        return False


class _Timer:
    __slots__ = ("_entry",)

    def __init__(self, entry: list[Any]) -> None:
        self._entry = entry

    def cancel(self) -> None:
        self._entry[2] = None
