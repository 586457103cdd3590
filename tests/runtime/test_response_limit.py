"""The buffered-response limit, at its exact boundary (in process, through the test client)."""

from __future__ import annotations

import pytest

from lambdaflow import App
from lambdaflow.limits import MAX_RESPONSE_BYTES
from lambdaflow.testing import LambdaTestClient

app = App()


@app.handler
def respond(event: dict) -> bytes:
    return b"x" * event["size"]  # bytes go out as they are: the body is exactly this long


@pytest.mark.parametrize(
    ("size", "outcome"),
    [(MAX_RESPONSE_BYTES, "success"), (MAX_RESPONSE_BYTES + 1, "marshal_error")],
)
def test_a_response_of_exactly_the_limit_is_sent_one_byte_more_is_refused(size, outcome):
    with LambdaTestClient(app) as client:
        result = client.invoke({"size": size})
    assert result.outcome == outcome
    if outcome == "success":
        assert result.body is not None and len(result.body) == MAX_RESPONSE_BYTES
    else:
        assert result.error is not None
        assert result.error.type == "Function.ResponseSizeTooLarge"
        assert f"({size} bytes)" in result.error.message
