"""CheckpointDurableExecution: operation updates applied to an execution's state.

Each update (``Id``, ``Type``, ``Action``, options, payload or error) moves one operation and
records the event Lambda records for it. Updates are checked before any is applied, so a bad
batch changes nothing. Timers (a wait's end, a retry's next attempt, a callback's timeouts) are
noted on the execution as data; the scheduler arms them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from lambdaflow.emulator.durable import history
from lambdaflow.emulator.durable.records import Execution

_ACTIONS = {
    "EXECUTION": {"SUCCEED", "FAIL"},
    "CONTEXT": {"START", "SUCCEED", "FAIL"},
    "STEP": {"START", "SUCCEED", "FAIL", "RETRY"},
    "WAIT": {"START", "CANCEL"},
    "CALLBACK": {"START"},
    "CHAINED_INVOKE": {"START"},
}
_AFTER = {"START": "STARTED", "RETRY": "PENDING"}
_ENDED = frozenset({"SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "STOPPED"})
_MAX_ID = 256
#: Operations per execution (the SDKs' documented history limit): memory stays bounded.
MAX_OPERATIONS = 25_000
_MAX_PAYLOAD = 256 * 1024 + 1024  # Lambda's checkpoint payload limit, with room for framing


class Refused(ValueError):
    """The batch breaks the API's rules (InvalidParameterValueException); nothing applied."""


#: Starts a chained invoke of the operation (its ``_FunctionName``, ``_Input``,
#: ``_TenantId``); returns the ARN the target's execution has.
ChainedInvoke = Callable[[Execution, dict[str, Any]], str]


def check(execution: Execution, updates: Any) -> None:
    """Refuse a malformed batch before anything moves."""
    if not isinstance(updates, list):
        raise Refused("Updates must be a list")
    ids = {u.get("Id") for u in updates if isinstance(u, dict) and isinstance(u.get("Id"), str)}
    new_ids = ids - execution.operations.keys()
    if len(execution.operations) + len(new_ids) > MAX_OPERATIONS:
        raise Refused(f"an execution has at most {MAX_OPERATIONS} operations")
    seen: dict[str, str] = {}
    for update in updates:
        if not isinstance(update, dict):
            raise Refused("each update must be an object")
        op_id, kind, action = update.get("Id"), update.get("Type"), update.get("Action")
        if not isinstance(op_id, str) or not 0 < len(op_id) <= _MAX_ID:
            raise Refused("update Id must be a string of 1 to 256 characters")
        if kind not in _ACTIONS or action not in _ACTIONS[kind]:
            raise Refused(f"invalid action {action!r} for operation type {kind!r}")
        payload = update.get("Payload")
        if payload is not None and (not isinstance(payload, str) or len(payload) > _MAX_PAYLOAD):
            raise Refused("update Payload must be a string of at most 256 KiB")
        _check_fields(update)
        current = execution.operations.get(op_id)
        status = seen.get(op_id) or (current or {}).get("Status")
        if kind == "EXECUTION":
            continue
        if current is not None and current["Type"] != kind:
            raise Refused(f"operation {op_id} is a {current['Type']}, not a {kind}")
        if status in _ENDED:
            raise Refused(f"operation {op_id} has already ended ({status})")
        if action != "START" and status is None:
            raise Refused(f"operation {op_id} was never started")
        seen[op_id] = _AFTER.get(action, "SUCCEEDED")


#: (options key, field, lowest, highest) of every number an update may carry.
_NUMBERS = (
    ("WaitOptions", "WaitSeconds", 1, 31_622_400),
    ("StepOptions", "NextAttemptDelaySeconds", 0, 31_622_400),
    ("CallbackOptions", "TimeoutSeconds", 0, 31_622_400),
    ("CallbackOptions", "HeartbeatTimeoutSeconds", 0, 31_622_400),
)


def _check_fields(update: dict[str, Any]) -> None:
    """The optional fields have the API's types and ranges (so applying cannot fail)."""
    for key in ("ParentId", "Name", "SubType"):
        if update.get(key) is not None and not isinstance(update[key], str):
            raise Refused(f"update {key} must be a string")
    error = update.get("Error")
    if error is not None and not isinstance(error, dict):
        raise Refused("update Error must be an ErrorObject")
    for options, field, lowest, highest in _NUMBERS:
        holder = update.get(options)
        if holder is None:
            continue
        if not isinstance(holder, dict):
            raise Refused(f"update {options} must be an object")
        value = holder.get(field)
        if value is not None and (type(value) is not int or not lowest <= value <= highest):
            raise Refused(f"{options}.{field} must be an integer from {lowest} to {highest}")
    for options in ("ContextOptions", "ChainedInvokeOptions"):
        if update.get(options) is not None and not isinstance(update[options], dict):
            raise Refused(f"update {options} must be an object")
    invoke = update.get("ChainedInvokeOptions") or {}
    if update.get("Type") == "CHAINED_INVOKE" and not isinstance(invoke.get("FunctionName"), str):
        raise Refused("ChainedInvokeOptions.FunctionName must be a string")
    if invoke.get("TenantId") is not None and not isinstance(invoke["TenantId"], str):
        raise Refused("ChainedInvokeOptions.TenantId must be a string")


def apply(
    execution: Execution,
    updates: list[dict[str, Any]],
    now: float,
    new_callback: Callable[[Execution, str], str],
    chained_invoke: ChainedInvoke,
) -> list[str]:
    """Apply a checked batch; returns the ids of the operations it changed, in order."""
    changed: list[str] = []
    for update in updates:
        op_id = update["Id"]
        if update["Type"] == "EXECUTION":
            execution.outcome = {
                "Status": "SUCCEEDED" if update["Action"] == "SUCCEED" else "FAILED",
                "Result": update.get("Payload"),
                "Error": update.get("Error"),
            }
            continue
        _APPLY[update["Type"]](execution, update, now, new_callback, chained_invoke)
        if op_id not in changed:
            changed.append(op_id)
    return changed


def _operation(execution: Execution, update: dict[str, Any], now: float) -> dict[str, Any]:
    """The operation an update moves, created on its START."""
    op = execution.operations.get(update["Id"])
    if op is None:
        op = {"Id": update["Id"], "Type": update["Type"], "StartTimestamp": now}
        for key in ("ParentId", "Name", "SubType"):
            if update.get(key) is not None:
                op[key] = update[key]
        execution.operations[update["Id"]] = op
    return op


def _end(op: dict[str, Any], status: str, now: float) -> None:
    op["Status"] = status
    op["EndTimestamp"] = now


def _step(execution: Execution, update: dict[str, Any], now: float, *_: Any) -> None:
    op = _operation(execution, update, now)
    details = op.setdefault("StepDetails", {"Attempt": 0})
    action = update["Action"]
    if action == "START":
        op["Status"] = "STARTED"
        details.pop("NextAttemptTimestamp", None)
        history.record(execution, "StepStarted", now, op)
        return
    details["Attempt"] += 1
    retry: dict[str, Any] = {"CurrentAttempt": details["Attempt"]}
    payload, error = update.get("Payload"), update.get("Error")
    if action == "RETRY":
        delay = int((update.get("StepOptions") or {}).get("NextAttemptDelaySeconds", 0))
        op["Status"] = "PENDING"
        details["NextAttemptTimestamp"] = now + delay
        retry["NextAttemptDelaySeconds"] = delay
        execution.timers[op["Id"]] = ["retry", now + delay]
    else:
        _end(op, "SUCCEEDED" if action == "SUCCEED" else "FAILED", now)
    _set(details, "Result", payload)
    _set(details, "Error", error)
    if error is not None or action == "FAIL":
        history.record(
            execution, "StepFailed", now, op, Error=history.error(error), RetryDetails=retry
        )
    else:
        history.record(
            execution,
            "StepSucceeded",
            now,
            op,
            Result=history.result(payload),
            RetryDetails=retry,
        )


def _set(details: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        details.pop(key, None)
    else:
        details[key] = value


def _context(execution: Execution, update: dict[str, Any], now: float, *_: Any) -> None:
    op = _operation(execution, update, now)
    action = update["Action"]
    details = op.setdefault("ContextDetails", {})
    if (update.get("ContextOptions") or {}).get("ReplayChildren"):
        details["ReplayChildren"] = True
    if action == "START":
        op["Status"] = "STARTED"
        history.record(execution, "ContextStarted", now, op)
    elif action == "SUCCEED":
        _end(op, "SUCCEEDED", now)
        _set(details, "Result", update.get("Payload"))
        history.record(
            execution, "ContextSucceeded", now, op, Result=history.result(update.get("Payload"))
        )
    else:
        _end(op, "FAILED", now)
        _set(details, "Error", update.get("Error"))
        history.record(
            execution, "ContextFailed", now, op, Error=history.error(update.get("Error"))
        )


def _wait(execution: Execution, update: dict[str, Any], now: float, *_: Any) -> None:
    op = _operation(execution, update, now)
    if update["Action"] == "START":
        seconds = int((update.get("WaitOptions") or {}).get("WaitSeconds", 1))
        op["Status"] = "STARTED"
        op["WaitDetails"] = {"ScheduledEndTimestamp": now + seconds}
        op["_Duration"] = seconds
        execution.timers[op["Id"]] = ["wait", now + seconds]
        history.record(
            execution, "WaitStarted", now, op, Duration=seconds, ScheduledEndTimestamp=now + seconds
        )
    else:
        _end(op, "CANCELLED", now)
        execution.timers.pop(op["Id"], None)
        history.record(
            execution, "WaitCancelled", now, op, Error=history.error(update.get("Error"))
        )


def _callback(
    execution: Execution,
    update: dict[str, Any],
    now: float,
    new_callback: Callable[[Execution, str], str],
    _chained: Any,
) -> None:
    op = _operation(execution, update, now)
    options = update.get("CallbackOptions") or {}
    timeout = int(options.get("TimeoutSeconds", 0))
    heartbeat = int(options.get("HeartbeatTimeoutSeconds", 0))
    callback_id = new_callback(execution, op["Id"])
    op["Status"] = "STARTED"
    op["CallbackDetails"] = {"CallbackId": callback_id}
    op["_Heartbeat"] = heartbeat
    if timeout > 0:
        execution.timers[op["Id"]] = ["callback", now + timeout]
    if heartbeat > 0:
        execution.timers[op["Id"] + "#heartbeat"] = ["heartbeat", now + heartbeat]
    history.record(
        execution,
        "CallbackStarted",
        now,
        op,
        CallbackId=callback_id,
        HeartbeatTimeout=heartbeat or None,
        Timeout=timeout or None,
    )


def _chained_invoke(
    execution: Execution,
    update: dict[str, Any],
    now: float,
    _new_callback: Any,
    chained_invoke: ChainedInvoke,
) -> None:
    op = _operation(execution, update, now)
    options = update.get("ChainedInvokeOptions") or {}
    op["Status"] = "STARTED"
    op["ChainedInvokeDetails"] = {}
    op["_FunctionName"] = str(options.get("FunctionName", ""))
    op["_Input"] = update.get("Payload")
    op["_TenantId"] = options.get("TenantId")
    target_arn = chained_invoke(execution, op)
    history.record(
        execution,
        "ChainedInvokeStarted",
        now,
        op,
        FunctionName=op["_FunctionName"],
        TenantId=op["_TenantId"],
        Input=history.result(op["_Input"]),
        ExecutedVersion="$LATEST",
        DurableExecutionArn=target_arn,
    )


_APPLY = {
    "STEP": _step,
    "CONTEXT": _context,
    "WAIT": _wait,
    "CALLBACK": _callback,
    "CHAINED_INVOKE": _chained_invoke,
}


def new_callback_id() -> str:
    """An opaque callback id, as unguessable as Lambda's."""
    return uuid.uuid4().hex + uuid.uuid4().hex


def public(op: dict[str, Any]) -> dict[str, Any]:
    """The operation as the API returns it (without the emulator's own ``_`` notes)."""
    return {key: value for key, value in op.items() if not key.startswith("_")}
