"""The EMF line as a running runtime writes it: valid EMF, the function's own metrics on its own
invocation's line only, the plain line unchanged without a namespace."""

from __future__ import annotations

from lambdaflow.observability.metrics_record import (
    COLD_START_FIELD,
    EMF_FIELD,
    METRICS_MESSAGE,
    OUTCOME_FIELD,
)
from tests.metrics.emf_schema import problems

APP = """
from lambdaflow import App, metrics
app = App()

@app.handler
def handle(event: dict) -> dict:
    if event.get("orders"):
        metrics.add("orders", event["orders"])
        metrics.add_dimension("channel", "web")
    if event.get("fail"):
        raise ValueError("no")
    return {}
"""


def test_a_runtime_writes_valid_emf_with_each_invocations_own_metrics(api, start_runtime):
    runtime = start_runtime(APP, LAMBDAFLOW_METRICS_NAMESPACE="Shop", AWS_LAMBDA_FUNCTION_NAME="fn")
    api.invoke(b'{"orders": 3}')
    api.invoke(b"{}")
    api.invoke(b'{"orders": 1, "fail": true}')
    first, second, third = runtime.wait_for_record(METRICS_MESSAGE, count=3)
    for record in (first, second, third):
        assert problems(record) == []
    assert (first["orders"], first["channel"], first[COLD_START_FIELD]) == (3, "web", 1)
    assert "orders" not in second and "channel" not in second and second[COLD_START_FIELD] == 0
    assert len(second[EMF_FIELD]["CloudWatchMetrics"]) == 2  # the phase directives only
    assert third[OUTCOME_FIELD] == "handler_error" and third["orders"] == 1


def test_without_a_namespace_the_line_is_plain(api, start_runtime):
    runtime = start_runtime(APP)
    api.invoke(b'{"orders": 2}')
    [record] = runtime.wait_for_record(METRICS_MESSAGE)
    assert EMF_FIELD not in record and record["orders"] == 2
    assert record[COLD_START_FIELD] is True
