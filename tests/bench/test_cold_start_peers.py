"""The cold-start bench's like-for-like pairs serve the same function: awslambdaric's typed peer as
lambdaflow's dataclass echo, its dict handler as lambdaflow's dict echo."""

from __future__ import annotations

import pytest

from bench import cold_start_peers, cold_start_typed_peer, dataclass_echo, dict_echo
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


@pytest.mark.parametrize("event", EVENTS, ids=repr)
def test_the_dict_echo_answers_as_awslambdarics_dict_handler(event: object) -> None:
    with LambdaTestClient(dict_echo.app) as client:
        ours = client.invoke(event)
    try:
        theirs = cold_start_peers.plain_echo(event)  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError, KeyError):
        theirs = None
    assert (ours.error is None) == (theirs is not None)
    if theirs is not None:
        assert ours.value == theirs
