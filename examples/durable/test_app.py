"""How a user tests a durable function: in process, no emulator, with time skipped.

Run with `pytest examples/durable`. `DurableTestClient` runs each invocation through
lambdaflow's phases, answers the SDK's calls with the emulator's durable backend in this
process, and returns the execution's history. `tests/durable` runs the same app in the emulator.
"""

from __future__ import annotations

import pytest

from examples.durable.app import Receipt
from lambdaflow.durable.testing import DurableTestClient


@pytest.fixture(scope="module")
def client():
    with DurableTestClient("examples.durable.app:app") as client:
        yield client


def test_a_typed_execution_runs_to_its_typed_result(client) -> None:
    run = client.run({"order_id": "7", "items": ["book", "pen"]}, callbacks={"approval": "alice"})
    assert run.status == "SUCCEEDED", run.error
    assert Receipt(**run.result) == Receipt("7", "res-7-2", "alice", True)
    kinds = [(e["EventType"], e.get("Name")) for e in run.events]
    assert kinds[-6:] == [
        ("InvocationCompleted", None),
        ("WaitSucceeded", "cool-off"),  # five seconds of virtual time
        ("StepStarted", "ship"),
        ("StepSucceeded", "ship"),
        ("InvocationCompleted", None),
        ("ExecutionSucceeded", None),
    ]
    assert len(run.invocations) == 3
    assert all(i.outcome == "success" for i in run.invocations)


def test_an_unanswered_callback_times_out_in_virtual_time(client) -> None:
    run = client.run({"order_id": "8", "items": []})
    assert run.status == "FAILED"
    assert "CallbackTimedOut" in [e["EventType"] for e in run.events]
    assert run.error["ErrorMessage"] == "Callback timed out"


def test_an_input_of_the_wrong_shape_fails_naming_the_field(client) -> None:
    run = client.run({"order_id": 9, "items": []})
    assert run.status == "FAILED"
    assert "order_id: expected string, got number" in run.error["ErrorMessage"]
    assert [e["EventType"] for e in run.events] == [
        "ExecutionStarted",
        "InvocationCompleted",
        "ExecutionFailed",
    ]
