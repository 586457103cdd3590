"""Runs one conformance requirement against a durable function served by the emulator.

What AWS's validator does against Lambda, through boto3 against the emulator's endpoint:
invoke asynchronously with the requirement's ``Input``, poll the execution's history,
answer callbacks as ``CallbackActions`` say, then compare the history and the result.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.durable.history_match import Placeholders, match_history
from tests.durable.log_match import check_logs, execution_records

REQUIREMENTS = Path(__file__).with_name("conformance") / "requirements"
_TERMINAL = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionTimedOut": "TIMED_OUT",
    "ExecutionStopped": "STOPPED",
}
#: Children of a wait-for-callback whose events the history may list without the name.
_NAMED_CHILDREN = {"CallbackStarted", "StepStarted", "StepSucceeded"}


@dataclass(frozen=True)
class Requirement:
    id: str
    suite: str
    spec: dict[str, Any]


def load_requirements() -> list[Requirement]:
    found = []
    for path in REQUIREMENTS.glob("*/*.yaml"):
        found.append(Requirement(path.stem, path.parent.name, yaml.safe_load(path.read_text())))
    return sorted(found, key=lambda r: tuple(int(part) for part in r.id.split("-")))


def run(
    client: Any,
    requirement: Requirement,
    output: Callable[[], str],
    no_progress_s: float = 30.0,
) -> list[str]:
    """The requirement's failures against ``client``'s function (empty: it passes);
    ``output`` reads what the emulator printed (the function's log lines among it)."""
    spec = requirement.spec
    placeholders = Placeholders(spec.get("Variables"))
    payload = json.dumps(placeholders.substitute(spec.get("Input")))
    name = f"{requirement.id}_{secrets.token_hex(4)}"
    started = client.invoke(
        FunctionName="function", InvocationType="Event", Payload=payload, DurableExecutionName=name
    )
    arn = started["DurableExecutionArn"]
    expected = spec.get("ExpectedExecutionHistory") or []
    expected_result = spec.get("ExpectedResult")
    actions = list(spec.get("CallbackActions") or [])
    config = spec.get("AsyncConfig") or {}
    no_progress_s = float(config.get("NoProgressTimeoutSeconds", no_progress_s))
    handled: set[str] = set()
    errors: list[str] = []
    events: list[dict[str, Any]] = []
    progress_at, seen = time.monotonic(), 0
    while True:
        time.sleep(0.05)
        events = _history(client, arn)
        if any(event["EventType"] in _TERMINAL for event in events):
            break
        if len(events) > seen:
            progress_at, seen = time.monotonic(), len(events)
        elif time.monotonic() - progress_at > no_progress_s:
            errors.append(f"no new event for {no_progress_s} s")
            break
        for event in events:
            if event["EventType"] != "CallbackStarted":
                continue
            callback_id = event["CallbackStartedDetails"]["CallbackId"]
            if callback_id in handled:
                continue
            action = _take_action(event.get("Name", ""), actions, placeholders)
            if action is None or action["Operation"].lower() != "heartbeat":
                handled.add(callback_id)
            if action is not None:
                _send(client, callback_id, action, placeholders)
        if expected_result is None and expected:
            trial = Placeholders()
            trial.bound = dict(placeholders.bound)
            if not match_history(expected, events, trial):
                return []
    errors += match_history(expected, events, placeholders)
    if expected_result and not errors:
        errors += _check_result(
            client.get_durable_execution(DurableExecutionArn=arn), expected_result, placeholders
        )
    if spec.get("ExpectedLogs") and not errors:
        time.sleep(0.2)  # the runtime's last lines reach the emulator's output
        records = execution_records(output(), arn)
        errors += check_logs(placeholders.substitute(spec["ExpectedLogs"]), records)
    return errors


def _history(client: Any, arn: str) -> list[dict[str, Any]]:
    events = client.get_durable_execution_history(
        DurableExecutionArn=arn, IncludeExecutionData=True
    )["Events"]
    by_id = {event.get("Id"): event for event in events if event.get("Id")}
    for event in events:  # AWS's validator restores names newer histories leave out
        parent = by_id.get(event.get("ParentId"))
        if (
            not event.get("Name")
            and event["EventType"] in _NAMED_CHILDREN
            and parent is not None
            and parent.get("SubType") == "WaitForCallback"
            and parent.get("Name")
        ):
            event["Name"] = parent["Name"]
    return events


def _take_action(
    name: str, actions: list[dict[str, Any]], placeholders: Placeholders
) -> dict[str, Any] | None:
    """The first unused action for a callback of this name (``*``, the name, or ``${/re/}``)."""
    for index, action in enumerate(actions):
        wanted = str(placeholders.substitute(action["CallbackName"]))
        regex = re.fullmatch(r"\$\{/(.+)/\}", wanted)
        if wanted in ("*", name) or (regex and re.search(regex[1], name)):
            return actions.pop(index)
    return None


def _send(
    client: Any, callback_id: str, action: dict[str, Any], placeholders: Placeholders
) -> None:
    time.sleep(float(action.get("Delay", 0)))
    payload = placeholders.substitute(action.get("Payload"))
    operation = action["Operation"].lower()
    if operation == "success":
        extra = {} if payload is None else {"Result": json.dumps(payload).encode()}
        client.send_durable_execution_callback_success(CallbackId=callback_id, **extra)
    elif operation == "failure":
        error = {
            k: v
            for k, v in (payload or {}).items()
            if k in ("ErrorType", "ErrorMessage", "ErrorData", "StackTrace")
        }
        client.send_durable_execution_callback_failure(CallbackId=callback_id, Error=error)
    else:
        client.send_durable_execution_callback_heartbeat(CallbackId=callback_id)


def _check_result(
    execution: dict[str, Any], expected: dict[str, Any], placeholders: Placeholders
) -> list[str]:
    status = execution.get("Status")
    if expected.get("ExecutionStatus") and status != expected["ExecutionStatus"]:
        return [f"status {status}, expected {expected['ExecutionStatus']}"]
    if status != "SUCCEEDED" or "Result" not in expected:
        return []
    raw = execution.get("Result")
    try:
        actual = json.loads(raw) if raw is not None else None
    except ValueError:
        actual = raw
    want = placeholders.substitute(expected["Result"])
    return [] if actual == want else [f"result {actual!r}, expected {want!r}"]
