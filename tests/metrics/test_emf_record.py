"""The invocation.metrics line in EMF, written through the real JSON sink and checked against the
specification; the plain line when EMF is off; the configuration from the environment."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bench.logparse import TIME_FIELDS, parse_metrics
from lambdaflow import metrics
from lambdaflow.observability import emf
from lambdaflow.observability.metrics_record import OUTCOME_FIELD, SINK_FIELDS
from lambdaflow.settings import Settings

from .conftest import PHASE_VALUES, REQUEST_ID, Emit
from .emf_schema import parse_line, problems

ENV = {"LAMBDAFLOW_METRICS_NAMESPACE": "Shop/Orders", "AWS_LAMBDA_FUNCTION_NAME": "fn"}
#: The keys of today's line.
PLAIN_KEYS = {*SINK_FIELDS, OUTCOME_FIELD, *TIME_FIELDS}


def _emf(**env: str) -> emf.EmfRecord:
    record = emf.record_format(Settings({**ENV, **env}))
    assert isinstance(record, emf.EmfRecord)
    return record


def _directives(record: dict[str, Any]) -> dict[tuple[str, ...], dict[str, str]]:
    """Dimension set -> {metric name: unit}, over all directives."""
    found: dict[tuple[str, ...], dict[str, str]] = {}
    for directive in record["_aws"]["CloudWatchMetrics"]:
        assert directive["Namespace"] == "Shop/Orders"
        for dimension_set in directive["Dimensions"]:
            units = found.setdefault(tuple(dimension_set), {})
            units.update({m["Name"]: m.get("Unit", "None") for m in directive["Metrics"]})
    return found


@pytest.mark.parametrize("outcome", ["success", "handler_error", "validation_error"])
def test_the_phase_record_is_valid_emf_keeping_todays_keys(emit: Emit, outcome: str) -> None:
    before = time.time() * 1000
    _, record = emit(_emf().fields(None, cold_start=True), outcome)
    assert problems(record) == []
    assert record.keys() >= PLAIN_KEYS
    assert record.keys() - PLAIN_KEYS == {"service", "cold_start", "_aws"}
    assert (record["service"], record["cold_start"], record["outcome"]) == ("fn", 1, outcome)
    assert before - 1 <= record["_aws"]["Timestamp"] <= time.time() * 1000 + 1
    assert _directives(record) == {
        ("service",): {**dict.fromkeys(TIME_FIELDS, "Milliseconds"), "cold_start": "Count"},
        ("service", "outcome"): {"total_ms": "Milliseconds"},
    }


def test_the_bench_parser_still_reads_the_line(emit: Emit) -> None:
    metrics.begin()
    metrics.add("orders", 3)
    line, _ = emit(_emf().fields(metrics.take(), cold_start=False), "handler_error")
    parsed = parse_metrics(line)
    assert parsed is not None
    assert (parsed.request_id, parsed.outcome) == (REQUEST_ID, "handler_error")
    assert parsed.phases == PHASE_VALUES


def test_warm_invocations_count_zero_cold_starts(emit: Emit) -> None:
    _, record = emit(_emf().fields(None, cold_start=False))
    assert record["cold_start"] == 0 and problems(record) == []


def test_user_metrics_get_a_directive_of_their_own(emit: Emit) -> None:
    metrics.begin()
    metrics.add("orders", 1)
    metrics.add("orders", 2)
    metrics.add("queue_lag", 12.5, unit="Milliseconds", resolution=1)
    metrics.add_dimension("channel", "web")
    metrics.add_metadata("order_id", "o-123")
    _, record = emit(_emf().fields(metrics.take(), cold_start=False))
    assert problems(record) == []
    assert (record["orders"], record["queue_lag"]) == ([1, 2], 12.5)
    assert (record["channel"], record["order_id"]) == ("web", "o-123")
    directives = _directives(record)
    assert directives[("service", "channel")] == {"orders": "Count", "queue_lag": "Milliseconds"}
    assert "channel" not in {key for dims in directives if "total_ms" in directives[dims]
                             for key in dims}, "user dimensions never split the phase timings"
    user = record["_aws"]["CloudWatchMetrics"][-1]["Metrics"]
    assert user == [
        {"Name": "orders", "Unit": "Count"},
        {"Name": "queue_lag", "Unit": "Milliseconds", "StorageResolution": 1},
    ]
    assert "order_id" not in {k for dims in directives for k in dims}, "metadata is no dimension"


def test_a_record_at_every_limit_is_still_valid(emit: Emit) -> None:
    metrics.begin()
    for index in range(100):
        for value in range(100):
            metrics.add(f"metric_{index}", value * 0.5, unit="Bytes/Second", resolution=1)
    for index in range(29):
        metrics.add_dimension(f"dim_{index}", "v" * 1024)
    metrics.add_metadata("cart", {"items": [1, 2.5, None, True, "x"]})
    _, record = emit(_emf().fields(metrics.take(), cold_start=False))
    assert problems(record) == []
    assert len(record["_aws"]["CloudWatchMetrics"][-1]["Dimensions"][0]) == 30


def test_no_dimension_is_per_request(emit: Emit) -> None:
    metrics.begin()
    metrics.add("orders", 1)
    _, record = emit(_emf().fields(metrics.take(), cold_start=True))
    dimensions = {key for dims in _directives(record) for key in dims}
    assert dimensions == {"service", "outcome"}


def test_the_phase_directives_are_built_once() -> None:
    record = _emf()
    first = record.fields(None, cold_start=False)["_aws"]["CloudWatchMetrics"]
    assert record.fields(None, cold_start=False)["_aws"]["CloudWatchMetrics"] is first


@pytest.mark.parametrize(
    "env",
    [
        {"LAMBDAFLOW_METRICS_NAMESPACE": ""},
        {"LAMBDAFLOW_METRICS": "off"},
        {"LAMBDAFLOW_METRICS": "OFF"},
    ],
)
def test_without_emf_the_line_is_todays(emit: Emit, env: dict[str, str]) -> None:
    record_format = emf.record_format(Settings({**ENV, **env}))
    _, record = emit(record_format.fields(None, cold_start=True))
    assert record.keys() == PLAIN_KEYS
    metrics.begin()
    metrics.add("orders", 2)
    metrics.add_dimension("channel", "web")
    _, record = emit(record_format.fields(metrics.take(), cold_start=True))
    assert record.keys() == PLAIN_KEYS | {"orders", "channel"}, "user metrics as plain fields"


def test_service_dimension_from_the_environment(emit: Emit) -> None:
    _, record = emit(_emf(LAMBDAFLOW_METRICS_SERVICE="checkout").fields(None, False))
    assert record["service"] == "checkout"
    _, record = emit(_emf(AWS_LAMBDA_FUNCTION_NAME="").fields(None, False))
    assert record["service"] == "lambdaflow" and problems(record) == []


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"LAMBDAFLOW_METRICS_NAMESPACE": "AWS/Lambda"}, "'AWS/' starts are reserved"),
        ({"LAMBDAFLOW_METRICS_NAMESPACE": "shop|orders"}, "may hold only"),
        ({"LAMBDAFLOW_METRICS_NAMESPACE": "n" * 256}, "1 to 255 characters"),
        ({"LAMBDAFLOW_METRICS_NAMESPACE": "   "}, "with a non-space character"),
        ({"LAMBDAFLOW_METRICS_SERVICE": "caf\u00e9"}, "printable ASCII"),
        ({"AWS_LAMBDA_LOG_FORMAT": "Text"}, "EMF needs JSON log lines"),
        ({"LAMBDAFLOW_METRICS": "on", "LAMBDAFLOW_METRICS_NAMESPACE": ""}, "needs LAMBDAFLOW"),
    ],
)
def test_a_configuration_cloudwatch_would_refuse_is_logged_and_left_plain(
    emit: Emit, capsys: pytest.CaptureFixture[str], env: dict[str, str], problem: str
) -> None:
    capsys.readouterr()
    assert isinstance(emf.record_format(Settings({**ENV, **env})), emf.PlainRecord)
    (warning,) = [parse_line(line) for line in capsys.readouterr().out.splitlines()]
    assert (warning["message"], warning["level"]) == ("metrics.config_invalid", "WARN")
    assert problem in warning["problem"]


def test_an_unknown_switch_is_logged_and_taken_as_unset(
    emit: Emit, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    yes = Settings({**ENV, "LAMBDAFLOW_METRICS": "yes"})
    assert isinstance(emf.record_format(yes), emf.EmfRecord)
    assert "'yes' is not 'on' or 'off'" in capsys.readouterr().out


def _user_directive(record_format: emf.EmfRecord, emit: Emit, adds: list[tuple]) -> dict:
    metrics.begin()
    for call, *args in adds:
        call(*args)
    _, record = emit(record_format.fields(metrics.take(), cold_start=False))
    assert problems(record) == []
    return record["_aws"]["CloudWatchMetrics"][-1]


def test_each_invocations_names_get_their_own_directive(emit: Emit) -> None:
    record_format = _emf()
    add, dim = metrics.add, metrics.add_dimension
    shapes = [
        [(add, "a", 1), (dim, "x", "1")],
        [(add, "a", 1), (dim, "x", "1"), (dim, "y", "2")],
        [(add, "a", 1), (add, "b", 2, "Seconds"), (dim, "x", "1")],
        [(add, "a", 1, "Count", 1), (dim, "x", "1")],
        [(add, "a", 1), (dim, "x", "1")],
    ]
    directives = [_user_directive(record_format, emit, adds) for adds in shapes]
    assert [d["Dimensions"] for d in directives] == [
        [["service", "x"]], [["service", "x", "y"]], [["service", "x"]], [["service", "x"]],
        [["service", "x"]],
    ]
    assert [d["Metrics"] for d in directives] == [
        [{"Name": "a", "Unit": "Count"}],
        [{"Name": "a", "Unit": "Count"}],
        [{"Name": "a", "Unit": "Count"}, {"Name": "b", "Unit": "Seconds"}],
        [{"Name": "a", "Unit": "Count", "StorageResolution": 1}],
        [{"Name": "a", "Unit": "Count"}],
    ]


def test_directives_kept_encoded_are_bounded(emit: Emit) -> None:
    record_format = _emf()
    for index in range(300):
        directive = _user_directive(record_format, emit, [(metrics.add, f"m{index}", 1)])
        assert directive["Metrics"] == [{"Name": f"m{index}", "Unit": "Count"}]
    assert len(record_format._known_shapes) <= 256
