"""The cold-start bench's like-for-like peer serves what lambdaflow's dataclass echo serves."""

from __future__ import annotations

import pytest

from bench import cold_start_typed_peer, dataclass_echo
from lambdaflow.testing import LambdaTestClient

EVENTS = [{"input": "hi"}, {"input": ""}, {"input": 1}, {}, {"input": "a", "other": 1}, []]


@pytest.mark.parametrize("event", EVENTS, ids=repr)
def test_the_peer_answers_and_refuses_as_the_dataclass_echo(event: object) -> None:
    with LambdaTestClient(dataclass_echo.app) as client:
        ours = client.invoke(event)
    try:
        theirs = cold_start_typed_peer.handler(event)
    except (ValueError, TypeError):
        theirs = None
    assert (ours.error is None) == (theirs is not None)
    if theirs is not None:
        assert ours.value == dataclass_echo.Output(**theirs)
