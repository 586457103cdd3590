"""The `invocation.metrics` line in CloudWatch's Embedded Metric Format: metrics without API calls.

On Lambda, a JSON log line with an `_aws` member becomes CloudWatch metrics, extracted by
CloudWatch Logs. The line keeps today's keys (phase timings, outcome), so log parsers and the
benchmark suite read it as before, and adds `service`, `cold_start` and `_aws`, which declares:

- every phase timing and `total_ms` (Milliseconds) and `cold_start` (Count: 1 on the first
  invocation after init, else 0; its Sum counts cold starts, its Average is their rate) under
  the dimension set [service]: one series each, for latency graphs and percentiles;
- `total_ms` again under [service, outcome]: its SampleCount per outcome is the invocation
  count by outcome (error rates, alarms), its percentiles the latency of each outcome.
  Only `total_ms`: every series is a billed custom metric, and the outcome has seven values
  (`metrics_record.OUTCOMES`), so 8 + 7 series per function rather than 8 x 8. Never the
  request id: one series each.
- the function's own metrics (`lambdaflow.metrics`) in a directive of their own, under
  [service, *their dimensions], so the user's dimensions never split the phase timings.

Configured from the environment: `LAMBDAFLOW_METRICS_NAMESPACE` turns EMF on;
`LAMBDAFLOW_METRICS=off` turns it off whatever the namespace; `LAMBDAFLOW_METRICS_SERVICE` is
the service dimension (default: the function's name). EMF needs JSON log lines
(`AWS_LAMBDA_LOG_FORMAT=JSON`, the default). A configuration CloudWatch would refuse is logged
(`metrics.config_invalid`) and leaves the plain line.

The loop's interface, in the task or process serving the invocation:

1. as it starts: `metrics.begin()`, only if `sys.modules` holds `lambdaflow.metrics` (the
   function imported it; otherwise the collector is None and nothing is imported);
2. as it logs the record: `collector = metrics.take()`, then the record's fields merged with
   `form.fields(collector, cold_start)`, where `form = record_format()` was built once, at the
   first record: after the first response, so nothing here is imported before it.
A worker process forked from the initialised process starts each invocation with `begin` too,
so whatever collector it inherited is replaced before any metric is added.
"""

from __future__ import annotations

from time import time_ns

import ujson

from ..settings import LOG_FORMAT, METRICS_NAMESPACE, METRICS_SWITCH, Settings, settings
from .emf_rules import MetricsError, check_dimension, check_namespace
from .metrics_record import (
    COLD_START_FIELD,
    EMF_FIELD,
    OUTCOME_FIELD,
    PHASE_FIELDS,
    SERVICE_FIELD,
    TOTAL_FIELD,
    EmfMember,
    PlainRecord,
)
from .runtime_log import logger

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..metrics import Collector

_SWITCH_VALUES = ("", "on", "off")
_DEFAULT_SERVICE = "lambdaflow"
_NS_PER_MS = 1_000_000
#: Bounds the user directives kept encoded, so names made from data cannot grow memory.
_KNOWN_SHAPES_LIMIT = 256


class RawJson:
    """JSON text that ujson, the log sink's encoder, writes as it is (its `__json__` protocol).

    The phase directives never change, so they are encoded once, at configuration, instead of
    on every line: that halves what EMF adds to the line's encoding.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __json__(self) -> str:
        return self.text


class EmfRecord:
    """The EMF form; the phase directives are built once, per invocation only the timestamp."""

    def __init__(self, namespace: str, service: str) -> None:
        self.namespace = namespace
        self.service = service
        timings = [{"Name": name, "Unit": "Milliseconds"} for name in (*PHASE_FIELDS, TOTAL_FIELD)]
        phase_directives = [
            {
                "Namespace": namespace,
                "Dimensions": [[SERVICE_FIELD]],
                "Metrics": [*timings, {"Name": COLD_START_FIELD, "Unit": "Count"}],
            },
            {
                "Namespace": namespace,
                "Dimensions": [[SERVICE_FIELD, OUTCOME_FIELD]],
                "Metrics": [{"Name": TOTAL_FIELD, "Unit": "Milliseconds"}],
            },
        ]
        self._phase_directives = RawJson(_encode(phase_directives))
        self._phase_prefix = self._phase_directives.text[:-1] + ","  # to append one more
        #: (*(name, (unit, resolution)), *dimension keys) -> the directives with the user's.
        self._known_shapes: dict[tuple[Any, ...], RawJson] = {}

    def fields(self, collector: Collector | None, cold_start: bool) -> dict[str, Any]:
        fields: dict[str, Any] = {SERVICE_FIELD: self.service, COLD_START_FIELD: int(cold_start)}
        directives = self._phase_directives
        if collector is not None:
            fields.update(collector.root_members())
            if collector.declarations:
                directives = self._with_user_directive(collector)
        fields[EMF_FIELD] = EmfMember(
            Timestamp=time_ns() // _NS_PER_MS, CloudWatchMetrics=directives
        )
        return fields

    def _with_user_directive(self, collector: Collector) -> RawJson:
        """The directives with the user's; encoded once per set of names, as the phases'."""
        shape = (*collector.declarations.items(), *collector.dimensions)
        directives = self._known_shapes.get(shape)
        if directives is None:
            user = _encode(self._user_directive(collector))
            directives = RawJson(f"{self._phase_prefix}{user}]")
            if len(self._known_shapes) < _KNOWN_SHAPES_LIMIT:
                self._known_shapes[shape] = directives
        return directives

    def _user_directive(self, collector: Collector) -> dict[str, Any]:
        definitions = []
        for name, (unit, resolution) in collector.declarations.items():
            definition: dict[str, Any] = {"Name": name, "Unit": unit}
            if resolution != 60:  # EMF's default; left out, as most metrics are
                definition["StorageResolution"] = resolution
            definitions.append(definition)
        return {
            "Namespace": self.namespace,
            "Dimensions": [[SERVICE_FIELD, *collector.dimensions]],
            "Metrics": definitions,
        }


def _encode(value: object) -> str:
    return ujson.dumps(value, escape_forward_slashes=False)


def record_format(env: Settings = settings) -> PlainRecord | EmfRecord:
    """The record's form from the environment, once per process."""
    switch = env.metrics_switch
    namespace = env.metrics_namespace
    if switch not in _SWITCH_VALUES:
        _config_invalid(f"{METRICS_SWITCH}={switch[:20]!r} is not 'on' or 'off'; taken as unset")
        switch = ""
    if switch == "off" or not namespace:
        if switch == "on":
            _config_invalid(f"{METRICS_SWITCH}=on needs {METRICS_NAMESPACE}; metrics stay plain")
        return PlainRecord()
    if env.text_logs:
        _config_invalid(f"EMF needs JSON log lines, {LOG_FORMAT} is TEXT")
        return PlainRecord()
    service = env.metrics_service
    try:
        check_namespace(namespace)
        check_dimension(SERVICE_FIELD, service or _DEFAULT_SERVICE)
    except MetricsError as exc:
        _config_invalid(f"{exc}; metrics stay plain")
        return PlainRecord()
    return EmfRecord(namespace, service or _DEFAULT_SERVICE)


def _config_invalid(problem: str) -> None:
    logger.warning("metrics.config_invalid", problem=problem)
