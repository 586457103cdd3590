"""The heavy example, tested in process with lambdaflow's test client."""

import pytest

from examples.heavy.app import Output, app
from lambdaflow.testing import LambdaTestClient


@pytest.fixture(scope="module")
def client():
    with LambdaTestClient(app) as client:
        yield client


def test_cpu_workload_spins(client):
    result = client.invoke({"input": "cpu:2ms"})
    assert result.value.workload == "cpu:2ms"
    assert result.value.busy_rounds > 0
    assert result.metrics["handler_ms"] >= 2


def test_sleep_workload_does_not_spin(client):
    result = client.invoke({"input": "sleep:1ms"})
    assert result.value == Output(workload="sleep:1ms", busy_rounds=0)


@pytest.mark.parametrize("spec", ["cpu", "sleep:20s", "cpu:20000ms"])
def test_bad_workloads_fail_validation(client, spec):
    result = client.invoke({"input": spec})
    assert result.metrics["outcome"] == "validation_error"
    assert result.error.type == "ValueError"
    assert "workload" in result.error.message
