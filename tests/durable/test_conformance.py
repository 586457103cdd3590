"""AWS's durable-execution conformance requirements, run against the emulator and lambdaflow.

Requirements are aws/aws-durable-execution-conformance-tests' YAML files (vendored under
``conformance/``); handlers are aws/aws-durable-execution-sdk-python's, loaded from
``LAMBDAFLOW_CONFORMANCE_HANDLERS`` (skipped without it). Each suite runs concurrently once.
"""

from __future__ import annotations

import pytest

from tests.durable.conformance_app import handler_table
from tests.durable.conformance_run import load_requirements
from tests.durable.conftest import TIME_SKIPPING

_HANDLERS = handler_table()
#: Requirements the emulator cannot serve, and why.
_CANNOT = {
    "3-12": "its handler counts attempts in a DynamoDB table",
    # The fetched handlers (SDK 1.7.0's tree) pass plugin instances; the released SDK 3.0.0
    # takes plugin factories (PluginLoadError). Their ExpectedLogs need CloudWatch too.
    "plugin": "handlers written for an older plugin API than the released SDK's",
}
_REAL_TIME_ONLY = {"2-4", "2-5"}  # waits of an hour and more


def _reason(requirement) -> str | None:
    if requirement.id not in _HANDLERS:
        return "AWS's Python conformance package has no handler for it"
    reason = _CANNOT.get(requirement.suite) or _CANNOT.get(requirement.id)
    if reason is None and not TIME_SKIPPING and requirement.id in _REAL_TIME_ONLY:
        reason = "waits of an hour and more need --durable-time-skipping"
    return reason


_RUNNABLE: dict[str, list] = {}
for _requirement in load_requirements():
    if _reason(_requirement) is None:
        _RUNNABLE.setdefault(_requirement.suite, []).append(_requirement)


@pytest.mark.parametrize(
    "requirement",
    [
        pytest.param(
            r,
            id=f"{r.suite}/{r.id}",
            marks=[pytest.mark.skip(reason=_reason(r))] if _reason(r) else [],
        )
        for r in load_requirements()
    ],
)
def test_requirement(conformance, requirement) -> None:
    failures = conformance(requirement, _RUNNABLE[requirement.suite])
    assert not failures, f"{requirement.id} {requirement.spec.get('description')}: {failures}"
