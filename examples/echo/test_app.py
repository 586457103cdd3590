"""How a user tests a lambdaflow function: in process, no emulator, no container.

Run with `pytest examples/echo`. `LambdaTestClient` runs the App as the runtime does (the
registration check and cold_start on enter, shutdown hooks on exit); the `lambda_client`
fixture (lambdaflow's pytest plugin) opens one for the duration of a test.
"""

import pytest

from examples.echo.app import Input, Output, app
from lambdaflow.testing import LambdaTestClient


@pytest.fixture(scope="module")
def client():
    with LambdaTestClient(app) as client:
        yield client


def test_echo(client):
    result = client.invoke({"input": "hi"})
    assert result.value == Output(message="hi")
    assert result.body == b'{"message":"hi"}'
    assert result.metrics["outcome"] == "success"


def test_typed_event(client):
    assert client.invoke(Input(input="typed")).value == Output(message="typed")


def test_not_json(client):
    bad = client.invoke(b"not json")
    assert bad.error.type == "Runtime.UnmarshalError"
    assert bad.metrics["outcome"] == "unmarshal_error"


def test_validation(client):
    empty = client.invoke({"input": ""})
    assert (empty.error.type, empty.error.message) == ("ValueError", "input required")
    assert empty.metrics["outcome"] == "validation_error"


def test_logs_carry_the_request_id(client):
    result = client.invoke({"input": "hi"}, aws_request_id="req-42")
    assert [record["request_id"] for record in result.logs] == ["req-42"]


def test_with_the_fixture(lambda_client):
    echo = lambda_client("examples.echo.app:app")
    assert echo.invoke({"input": "fixture"}).value.message == "fixture"
