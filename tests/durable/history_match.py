"""The conformance requirements' matching rules, for expected vs actual execution histories.

Rules of aws/aws-durable-execution-conformance-tests (its README): ``'*'`` matches anything,
``{}`` means "don't care", ``${NAME}`` binds on first sight and must match after, ``${/re/}``
is a regex, anything else must be equal; events pair up by ``EventId``, extra actual events
are ignored. ``Variables`` (``${GEN_STR:N}`` or literals) are bound before the run.
"""

from __future__ import annotations

import re
import secrets
import string
from typing import Any

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_WHOLE = re.compile(r"^\$\{([^/].*)\}$")
_REGEX = re.compile(r"^\$\{/(.+)/\}$")
_GENERATE = re.compile(r"^\$\{GEN_STR:(\d+)\}$")


class Placeholders:
    """Bindings shared by input substitution, history matching and callback payloads."""

    def __init__(self, variables: dict[str, Any] | None = None) -> None:
        self.bound: dict[str, Any] = {}
        for name, value in (variables or {}).items():
            generate = _GENERATE.match(value) if isinstance(value, str) else None
            if generate:
                alphabet = string.ascii_lowercase + string.digits
                value = "".join(secrets.choice(alphabet) for _ in range(int(generate[1])))
            self.bound[name] = value if isinstance(value, str) else str(value)

    def substitute(self, data: Any) -> Any:
        """``data`` with every bound ``${NAME}`` replaced (unbound ones are left)."""
        if isinstance(data, str):
            return _REFERENCE.sub(lambda m: str(self.bound.get(m[1], m[0])), data)
        if isinstance(data, dict):
            return {key: self.substitute(value) for key, value in data.items()}
        if isinstance(data, list):
            return [self.substitute(item) for item in data]
        return data


def match_history(
    expected: list[dict[str, Any]], actual: list[dict[str, Any]], placeholders: Placeholders
) -> list[str]:
    """The differences (empty: the history matches)."""
    by_id = {event.get("EventId"): event for event in actual}
    errors: list[str] = []
    for event in expected:
        event_id = event.get("EventId")
        if event_id not in by_id:
            errors.append(f"no event {event_id} (expected {event.get('EventType')})")
            continue
        _match(event, by_id[event_id], f"Event[{event_id}]", placeholders, errors)
    return errors


def _match(
    expected: Any, actual: Any, path: str, placeholders: Placeholders, errors: list[str]
) -> None:
    if expected == {} or expected == "*":
        return
    if isinstance(expected, str):
        regex = _REGEX.match(expected)
        if regex:
            if not re.search(regex[1], str(actual)):
                errors.append(f"{path}: {actual!r} does not match /{regex[1]}/")
            return
        whole = _WHOLE.match(expected)
        if whole:
            name = whole[1]
            if name not in placeholders.bound:
                placeholders.bound[name] = actual
            elif placeholders.bound[name] != actual:
                errors.append(
                    f"{path}: ${{{name}}} is {placeholders.bound[name]!r}, got {actual!r}"
                )
            return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            if key not in actual:
                errors.append(f"{path}.{key}: missing")
            else:
                _match(value, actual[key], f"{path}.{key}", placeholders, errors)
        return
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            errors.append(f"{path}: {len(actual)} items, expected {len(expected)}")
            return
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            _match(want, got, f"{path}[{index}]", placeholders, errors)
        return
    want = placeholders.substitute(expected)
    if want != actual:
        errors.append(f"{path}: expected {want!r}, got {actual!r}")
