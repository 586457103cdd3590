"""Runs durable executions: invokes the function, ends invocations, fires timers.

An execution is driven by invocations of the emulated function through the sandbox, the way
Lambda drives it: the event carries the checkpoint token and the operations so far; the
function answers ``PENDING`` (re-invoked once a wait ends, a retry is due, a callback is
answered), ``SUCCEEDED`` or ``FAILED``. An invocation that fails outright (an unhandled
error, a crash, a timeout) is retried in a fresh invocation, a few times. Each invocation's
end is recorded (``InvocationCompleted``) before whatever it left pending fires; with time
skipping, waits and retry backoffs fire as soon as that invocation has ended (unless a
callback is open: its answer comes from outside, in real time).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from typing import Any

from lambdaflow.emulator.config import DURABLE_EXECUTION_TIMEOUT_S, DURABLE_RETENTION_DAYS
from lambdaflow.emulator.durable import checkpoint, history
from lambdaflow.emulator.durable.chained import RemoteTargets, function_name
from lambdaflow.emulator.durable.records import (
    FAILED,
    STOPPED,
    SUCCEEDED,
    TIMED_OUT,
    Execution,
    Store,
    execution_arn,
)
from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.emulator.routes import rie_responses
from lambdaflow.emulator.sandbox.pending_invoke import PendingInvoke
from lambdaflow.emulator.sandbox.scheduling import Cancellable, Clock

#: Invocations that fail outright in a row before the execution is failed.
MAX_FAILED_INVOCATIONS = 3
#: Seconds before re-invoking after a failed invocation (doubling), without time skipping.
RETRY_BACKOFF_S = 0.5
_SKIPPABLE = frozenset({"wait", "retry"})
_STATUSES = frozenset({"PENDING", SUCCEEDED, FAILED})


class Scheduler:
    """Owns the executions' timers and invocations; the API routes call into it."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        submit: Callable[[PendingInvoke], None],
        *,
        time_skipping: bool = False,
        execution_timeout_s: float = DURABLE_EXECUTION_TIMEOUT_S,
        retention_s: float = DURABLE_RETENTION_DAYS * 86400,
        targets: RemoteTargets | None = None,
    ) -> None:
        self.store = store
        self._clock = clock
        self._submit = submit
        self._time_skipping = time_skipping
        self.execution_timeout_s = execution_timeout_s
        self._retention_s = retention_s
        self._targets = targets
        self._handles: dict[tuple[str, str], Cancellable] = {}
        self._waiters: dict[str, list[Callable[[Execution], None]]] = {}

    # -- starting ------------------------------------------------------------------------------

    def start(
        self, function_arn: str, version: str, name: str, arn: str, payload: str
    ) -> Execution:
        """A new execution, recorded and invoked for the first time."""
        now = self._clock.wall()
        execution = Execution(
            arn=arn,
            name=name,
            function_arn=function_arn,
            version=version,
            input_payload=payload,
            started=now,
            timeout_s=self.execution_timeout_s,
        )
        op = execution.operations[_execution_op_id(arn)] = {
            "Id": _execution_op_id(arn),
            "Type": "EXECUTION",
            "Status": "STARTED",
            "StartTimestamp": now,
            "ExecutionDetails": {"InputPayload": payload},
        }
        history.record(
            execution,
            "ExecutionStarted",
            now,
            op,  # the execution's own events name its EXECUTION operation
            Input=history.result(payload),
            ExecutionTimeout=int(self.execution_timeout_s),
        )
        self.store.add(execution)
        self._arm_timeout(execution)
        self._invoke(execution)
        return execution

    def resume_all(self) -> None:
        """After loading a state file: re-arm timers, re-invoke what was running."""
        for execution in list(self.store.executions.values()):
            if execution.done:
                self._arm_retention(execution)
                continue
            self._arm_timeout(execution)
            for key in list(execution.timers):
                self._arm(execution, key)
            for op in execution.operations.values():  # ask again: the target's is named
                if op["Type"] == "CHAINED_INVOKE" and op.get("Status") == "STARTED":
                    self._clock.call_soon(self._start_chained, execution, op)
            self._invoke(execution)

    def when_done(self, execution: Execution, callback: Callable[[Execution], None]) -> None:
        """Call back once the execution has ended (at once if it has)."""
        if execution.done:
            callback(execution)
        else:
            self._waiters.setdefault(execution.arn, []).append(callback)

    # -- the API's calls -----------------------------------------------------------------------

    def token_for(self, execution: Execution) -> str:
        execution.tokens += 1
        return f"{execution.invocation}.{execution.tokens}"

    def token_valid(self, execution: Execution, token: str) -> bool:
        """Tokens belong to the invocation running now; a finished one cannot write, nor one
        still running when its execution was stopped or timed out."""
        invocation, _, _ = token.partition(".")
        current = execution.running and not execution.done
        return current and invocation == str(execution.invocation)

    def checkpoint(self, execution: Execution, updates: Any) -> list[dict[str, Any]]:
        """Apply a batch (``checkpoint.Refused`` if malformed); the operations to return."""
        checkpoint.check(execution, updates)
        changed = checkpoint.apply(
            execution, updates, self._clock.wall(), self._new_callback, self._chained_invoke
        )
        for op_id in changed:
            for key in (op_id, op_id + "#heartbeat"):
                if key in execution.timers:
                    self._arm(execution, key)
        news = [op_id for op_id in execution.news if op_id not in changed]
        execution.news.clear()
        self._changed()
        return [checkpoint.public(execution.operations[i]) for i in (*changed, *news)]

    def complete_callback(
        self, callback_id: str, result: str | None = None, error: dict[str, Any] | None = None
    ) -> bool:
        """SendDurableExecutionCallbackSuccess/Failure; False if the callback is not open."""
        found = self._open_callback(callback_id)
        if found is None:
            return False
        execution, op = found
        now = self._clock.wall()
        details = op["CallbackDetails"]
        if error is None:
            op["Status"] = "SUCCEEDED"
            if result is not None:
                details["Result"] = result
            history.record(execution, "CallbackSucceeded", now, op, Result=history.result(result))
        else:
            op["Status"] = "FAILED"
            details["Error"] = error
            history.record(execution, "CallbackFailed", now, op, Error=history.error(error))
        op["EndTimestamp"] = now
        self._operation_moved(execution, op["Id"])
        return True

    def heartbeat(self, callback_id: str) -> bool:
        """SendDurableExecutionCallbackHeartbeat: the heartbeat timeout starts over."""
        found = self._open_callback(callback_id)
        if found is None:
            return False
        execution, op = found
        seconds = op.get("_Heartbeat", 0)
        if seconds:
            key = op["Id"] + "#heartbeat"
            execution.timers[key] = ["heartbeat", self._clock.wall() + seconds]
            self._arm(execution, key)
            self._changed()
        return True

    def stop(self, execution: Execution, error: dict[str, Any] | None) -> float:
        """StopDurableExecution: the execution ends now; a running invocation's writes fail."""
        now = self._clock.wall()
        self._finish(execution, STOPPED, now, error=error or None)
        return now

    # -- invocations ---------------------------------------------------------------------------

    def _invoke(self, execution: Execution) -> None:
        if execution.done or execution.running:
            return
        execution.invocation += 1
        execution.running = True
        execution.news.clear()
        updated, execution.updated = execution.updated, []
        operations = [_json_operation(op) for op in execution.operations.values()]
        event = {
            "DurableExecutionArn": execution.arn,
            "CheckpointToken": self.token_for(execution),
            "InitialExecutionState": {"Operations": operations, "NextMarker": ""},
            "UpdatedOperationIds": updated,
        }
        answer = Deferred()
        invocation = PendingInvoke(
            payload=json.dumps(event).encode(),
            answer=answer,
        )
        started = self._clock.wall()
        serial = execution.invocation
        answer.when_resolved(
            lambda response: self._ended(execution, serial, invocation, started, response)
        )
        self._changed()
        self._submit(invocation)

    def _ended(
        self,
        execution: Execution,
        serial: int,
        invocation: PendingInvoke,
        started: float,
        response: Any,
    ) -> None:
        if response is None or serial != execution.invocation:
            return  # the emulator is shutting down, or a stopped execution's late answer
        execution.running = False
        now = self._clock.wall()
        output, failure = _outcome(response)
        if execution.done:  # stopped or timed out while this invocation ran
            self._changed()
            return
        if failure is None and not (
            output.get("Status") in _STATUSES
            and isinstance(output.get("Result"), str | None)
            and isinstance(output.get("Error"), dict | None)
        ):  # the SDK's output: a serialised Result, an ErrorObject
            failure = _invalid_output()
        history.record(
            execution,
            "InvocationCompleted",
            now,
            StartTimestamp=started,
            EndTimestamp=now,
            RequestId=invocation.request_id,
            Error=history.error(failure),
        )
        if failure is not None:
            self._invocation_failed(execution, failure)
            return
        execution.failed_invocations = 0
        checkpointed, execution.outcome = execution.outcome, None
        status = output.get("Status")
        if status == "PENDING" and checkpointed is None:
            if self._time_skipping and not _open_callbacks(execution):
                for key, (kind, _due) in sorted(execution.timers.items(), key=lambda i: i[1][1]):
                    if kind in _SKIPPABLE:
                        self._fire(execution.arn, key, invoke=False)
            if execution.updated:
                self._invoke(execution)
            self._changed()
            return
        if checkpointed is not None and status in (None, "PENDING", checkpointed["Status"]):
            output = checkpointed
        if output.get("Status") == SUCCEEDED:
            self._finish(execution, SUCCEEDED, now, result=output.get("Result") or None)
        else:
            self._finish(execution, FAILED, now, error=output.get("Error") or None)

    def _invocation_failed(self, execution: Execution, failure: dict[str, Any]) -> None:
        """Lambda retries an invocation that failed outright; after a few, the execution fails."""
        execution.failed_invocations += 1
        if execution.failed_invocations >= MAX_FAILED_INVOCATIONS:
            self._finish(execution, FAILED, self._clock.wall(), error=failure)
            return
        delay = (
            0.0
            if self._time_skipping
            else RETRY_BACKOFF_S * 2 ** (execution.failed_invocations - 1)
        )
        self._clock.call_later(delay, self._invoke, execution)
        self._changed()

    def _finish(
        self,
        execution: Execution,
        status: str,
        now: float,
        result: str | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        if execution.done:
            return
        execution.status = status
        execution.ended = now
        execution.result = result
        execution.error = error
        op = execution.operations[_execution_op_id(execution.arn)]
        op["Status"] = status
        op["EndTimestamp"] = now
        if status == SUCCEEDED:
            history.record(execution, "ExecutionSucceeded", now, op, Result=history.result(result))
        else:
            event = {FAILED: "ExecutionFailed", TIMED_OUT: "ExecutionTimedOut"}.get(
                status, "ExecutionStopped"
            )
            history.record(execution, event, now, op, Error=history.error(error))
        for key in list(execution.timers):
            self._disarm(execution.arn, key)
        execution.timers.clear()
        self._disarm(execution.arn, "#timeout")
        for callback_id, (arn, _) in list(self.store.callbacks.items()):
            if arn == execution.arn:
                del self.store.callbacks[callback_id]
        self._arm_retention(execution)
        self._changed()
        for waiter in self._waiters.pop(execution.arn, ()):
            waiter(execution)

    # -- timers --------------------------------------------------------------------------------

    def _arm(self, execution: Execution, key: str) -> None:
        self._disarm(execution.arn, key)
        _kind, due = execution.timers[key]
        delay = max(0.0, due - self._clock.wall())
        self._handles[execution.arn, key] = self._clock.call_later(
            delay, self._fire, execution.arn, key
        )

    def _disarm(self, arn: str, key: str) -> None:
        handle = self._handles.pop((arn, key), None)
        if handle is not None:
            handle.cancel()

    def _arm_retention(self, execution: Execution) -> None:
        """An ended execution is kept for the retention period, then forgotten."""
        assert execution.ended is not None
        delay = max(0.0, execution.ended + self._retention_s - self._clock.wall())
        self._handles[execution.arn, "#retention"] = self._clock.call_later(
            delay, self._forget, execution.arn
        )

    def _forget(self, arn: str) -> None:
        self._handles.pop((arn, "#retention"), None)
        if self.store.executions.pop(arn, None) is not None:
            self._changed()

    def _arm_timeout(self, execution: Execution) -> None:
        delay = max(0.0, execution.started + execution.timeout_s - self._clock.wall())
        self._handles[execution.arn, "#timeout"] = self._clock.call_later(
            delay, self.time_out, execution
        )

    def time_out(self, execution: Execution) -> None:
        """The execution's timeout has passed: it ends TIMED_OUT."""
        self._handles.pop((execution.arn, "#timeout"), None)
        error = {
            "ErrorType": "Execution.TimedOut",
            "ErrorMessage": f"Execution timed out after {int(execution.timeout_s)} seconds",
        }
        self._finish(execution, TIMED_OUT, self._clock.wall(), error=error)

    def _fire(self, arn: str, key: str, invoke: bool = True) -> None:
        self._disarm(arn, key)
        execution = self.store.executions.get(arn)
        if execution is None or execution.done or key not in execution.timers:
            return
        kind, _due = execution.timers.pop(key)
        op_id = key.partition("#")[0]
        op = execution.operations[op_id]
        now = self._clock.wall()
        if kind == "wait":
            op["Status"] = "SUCCEEDED"
            op["EndTimestamp"] = now
            history.record(execution, "WaitSucceeded", now, op, Duration=op.get("_Duration"))
        elif kind == "retry":
            op["Status"] = "READY"
        else:  # a callback's timeout or heartbeat timeout
            if op.get("Status") != "STARTED":
                return
            heartbeat = kind == "heartbeat"
            op["Status"] = "TIMED_OUT"
            op["EndTimestamp"] = now
            error = {
                "ErrorType": "Callback.Heartbeat" if heartbeat else "Callback.Timeout",
                "ErrorMessage": "Callback heartbeat timed out"
                if heartbeat
                else "Callback timed out",
            }
            op["CallbackDetails"]["Error"] = error
            for other in (op_id, op_id + "#heartbeat"):
                execution.timers.pop(other, None)
                self._disarm(arn, other)
            history.record(execution, "CallbackTimedOut", now, op, Error=history.error(error))
        if invoke:
            self._operation_moved(execution, op_id)
        else:
            execution.touch(op_id)

    # -- helpers -------------------------------------------------------------------------------

    def _operation_moved(self, execution: Execution, op_id: str) -> None:
        """An operation changed from outside: tell the SDK, or invoke if nothing runs."""
        execution.touch(op_id)
        if not execution.running:
            self._invoke(execution)
        self._changed()

    def _open_callback(self, callback_id: str) -> tuple[Execution, dict[str, Any]] | None:
        target = self.store.callbacks.get(callback_id)
        if target is None:
            return None
        execution = self.store.executions.get(target[0])
        if execution is None or execution.done:
            return None
        op = execution.operations.get(target[1])
        if op is None or op.get("Status") != "STARTED":
            return None
        return execution, op

    def _new_callback(self, execution: Execution, op_id: str) -> str:
        callback_id = checkpoint.new_callback_id()
        self.store.callbacks[callback_id] = (execution.arn, op_id)
        return callback_id

    def _chained_invoke(self, execution: Execution, op: dict[str, Any]) -> str:
        """Start a chained invoke once the checkpoint that asks for it has returned; the ARN
        its target's execution has (the same on every replay: it is named after the op)."""
        target = function_name(op["_FunctionName"])
        op["_ExecutionName"] = hashlib.sha256((execution.arn + op["Id"]).encode()).hexdigest()[:32]
        self._clock.call_soon(self._start_chained, execution, op)
        target_arn = execution.function_arn.rpartition(":")[0] + ":" + target
        return execution_arn(target_arn, "$LATEST", op["_ExecutionName"])

    def _start_chained(self, execution: Execution, op: dict[str, Any]) -> None:
        if execution.done or op.get("Status") != "STARTED":
            return
        target = function_name(op["_FunctionName"])
        name = op["_ExecutionName"]

        def done(result: str | None, error: dict[str, Any] | None) -> None:
            self._chained_done(execution, op, result, error)

        if target == function_name(execution.function_arn):  # this very function
            child = self.store.by_name(execution.function_arn, name) or self.start(
                execution.function_arn,
                execution.version,
                name,
                execution_arn(execution.function_arn, execution.version, name),
                op["_Input"] or "",
            )
            self.when_done(child, lambda ended: done(*_chained_outcome(ended)))
        elif self._targets is not None and target in self._targets:
            remaining = execution.started + execution.timeout_s - self._clock.wall()
            self._targets.invoke(
                target, op["_Input"], name, op["_TenantId"], max(1.0, remaining), done
            )
        else:
            message = f"Function not found: {op['_FunctionName']} (see --durable-target)"
            done(None, {"ErrorType": "ResourceNotFoundException", "ErrorMessage": message})

    def _chained_done(
        self,
        execution: Execution,
        op: dict[str, Any],
        result: str | None,
        error: dict[str, Any] | None,
    ) -> None:
        if execution.done or op.get("Status") != "STARTED":
            return
        now = self._clock.wall()
        op["EndTimestamp"] = now
        if error is None:
            op["Status"] = "SUCCEEDED"
            op["ChainedInvokeDetails"] = {"Result": result} if result is not None else {}
            history.record(
                execution, "ChainedInvokeSucceeded", now, op, Result=history.result(result)
            )
        else:
            op["Status"] = "FAILED"
            op["ChainedInvokeDetails"] = {"Error": error}
            history.record(execution, "ChainedInvokeFailed", now, op, Error=history.error(error))
        self._operation_moved(execution, op["Id"])

    def _changed(self) -> None:
        try:
            self.store.save()
        except OSError as error:
            print(f"lambdaflow.emulator: cannot save durable state: {error}", file=sys.stderr)


def _chained_outcome(ended: Execution) -> tuple[str | None, dict[str, Any] | None]:
    """A chained execution's end as the caller's (result, error)."""
    if ended.status == SUCCEEDED:
        return ended.result, None
    error = ended.error or {"ErrorType": f"Execution.{ended.status.title()}", "ErrorMessage": ""}
    return None, error


def _open_callbacks(execution: Execution) -> bool:
    """Whether someone outside may still answer a callback: then time runs for real, since
    skipping a wait would end it before that answer could come."""
    return any(
        op["Type"] == "CALLBACK" and op.get("Status") == "STARTED"
        for op in execution.operations.values()
    )


def _execution_op_id(arn: str) -> str:
    return arn.rpartition("/")[2]


def _json_operation(op: dict[str, Any]) -> dict[str, Any]:
    """An operation as the invocation event carries it: timestamps in epoch milliseconds."""
    out = checkpoint.public(op)
    for key in ("StartTimestamp", "EndTimestamp"):
        if key in out:
            out[key] = int(out[key] * 1000)
    for details, key in (
        ("StepDetails", "NextAttemptTimestamp"),
        ("WaitDetails", "ScheduledEndTimestamp"),
    ):
        if key in out.get(details, {}):
            out[details] = {**out[details], key: int(out[details][key] * 1000)}
    return out


def _outcome(response: HttpResponse) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(the function's output, None) or ({}, the invocation's error as an ErrorObject)."""
    failed = any(name == rie_responses.FUNCTION_ERROR[0] for name, _ in response.headers)
    try:
        body = json.loads(response.body) if response.body else None
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to read
        body = None
    if not failed and response.status == 200 and isinstance(body, dict):
        return body, None
    if isinstance(body, dict) and "errorType" in body:
        return {}, {
            "ErrorType": str(body["errorType"]),
            "ErrorMessage": str(body.get("errorMessage", "")),
        }
    text = response.body.decode("utf-8", "replace")
    if text.startswith("Task timed out"):
        return {}, {"ErrorType": "Sandbox.Timedout", "ErrorMessage": text}
    if failed or response.status != 200:
        return {}, {"ErrorType": "Runtime.Unknown", "ErrorMessage": text[:1024]}
    return {}, _invalid_output()


def _invalid_output() -> dict[str, Any]:
    return {
        "ErrorType": "Runtime.InvalidResponse",
        "ErrorMessage": 'A durable function must answer {"Status": "SUCCEEDED" | "FAILED" | '
        '"PENDING"} with a string Result or an ErrorObject Error; is the handler wrapped with '
        "durable_execution?",
    }
