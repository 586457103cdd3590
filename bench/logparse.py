"""Parsers for the lines an RIE-compatible emulator prints and the runtime's metrics lines.

The REPORT line's format has one home, the emulator's `REPORT_LINE`, which parses both the real
AWS RIE's lines and lambdaflow's, so the benchmark compares backends on equal terms; the metrics
record's names come from `lambdaflow.observability.metrics_record`. Lines that look like a
REPORT or a metrics record but do not parse are kept (as raw text), never dropped: the join
reports them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lambdaflow.emulator.output.report import REPORT_LINE, RESPONSE_LINE
from lambdaflow.observability.metrics_record import (
    FIELD_OF_PHASE,
    METRICS_MESSAGE,
    OUTCOME_FIELD,
    PHASE_FIELDS,
    TOTAL_FIELD,
)

#: The fields of a metrics record that are times, each kept when the record carries it.
TIME_FIELDS = (*PHASE_FIELDS, TOTAL_FIELD)
#: The two phases the findings and the peers' comparison single out.
HANDLER_FIELD, POST_FIELD = FIELD_OF_PHASE["handler"], FIELD_OF_PHASE["post"]
START_RE = re.compile(r"START RequestId: (?P<request_id>[^\s]+) Version: (?P<version>\S+)$")
END_RE = re.compile(r"END RequestId: (?P<request_id>[^\s]+)$")
_REPORT_MARK = "REPORT RequestId:"
_RESPONSE_MARK = "RESPONSE RequestId:"


@dataclass(frozen=True)
class ParsedReport:
    """One REPORT line: what the emulator billed for one invocation."""

    request_id: str
    duration_ms: float
    billed_ms: int
    memory_size_mb: int
    max_memory_used_mb: int
    init_duration_ms: float | None = None


@dataclass(frozen=True)
class ParsedResponse:
    """One RESPONSE line (the emulator's `--response-lines`): event handed over to response in."""

    request_id: str
    response_ms: float


@dataclass(frozen=True)
class ParsedMetrics:
    """One runtime metrics record: per-phase times (only the phases the line carried)."""

    request_id: str
    phases: dict[str, float]
    outcome: str | None = None


@dataclass
class ParsedLog:
    """Everything recognised in one captured stdout, in order of appearance."""

    reports: list[ParsedReport] = field(default_factory=list)
    metrics: list[ParsedMetrics] = field(default_factory=list)
    responses: list[ParsedResponse] = field(default_factory=list)
    start_ids: list[str] = field(default_factory=list)
    end_ids: list[str] = field(default_factory=list)
    bad_reports: list[str] = field(default_factory=list)
    bad_metrics: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)


def parse_report(line: str) -> ParsedReport | None:
    """Parse a REPORT line (RIE format, tab separated); None when it is not one."""
    match = REPORT_LINE.match(line.rstrip("\r\n"))
    if match is None:
        return None
    init = match["init_ms"]
    return ParsedReport(
        request_id=match["request_id"],
        duration_ms=float(match["duration_ms"]),
        billed_ms=int(match["billed_ms"]),
        memory_size_mb=int(match["memory_mb"]),
        max_memory_used_mb=int(match["max_memory_mb"]),
        init_duration_ms=float(init) if init is not None else None,
    )


def parse_response(line: str) -> ParsedResponse | None:
    """Parse the emulator's RESPONSE line; None when it is not one (the real RIE prints none)."""
    match = RESPONSE_LINE.match(line.rstrip("\r\n"))
    if match is None:
        return None
    return ParsedResponse(match["request_id"], float(match["response_ms"]))


def parse_metrics(line: str, message: str = METRICS_MESSAGE) -> ParsedMetrics | None:
    """Parse a JSON metrics line whose "message" is `message`; None when it is not one."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("message") != message:
        return None
    request_id = record.get("request_id")
    if not isinstance(request_id, str) or not request_id:
        return None
    phases = {
        name: float(record[name])
        for name in TIME_FIELDS
        if isinstance(record.get(name), int | float) and not isinstance(record[name], bool)
    }
    outcome = record.get(OUTCOME_FIELD)
    return ParsedMetrics(request_id, phases, outcome if isinstance(outcome, str) else None)


def parse_log(lines: Iterable[str], metrics_message: str = METRICS_MESSAGE) -> ParsedLog:
    """Sort captured stdout lines into REPORT, RESPONSE, START, END and metrics records."""
    parsed = ParsedLog()
    for raw in lines:
        line = raw.rstrip("\r\n")
        if _REPORT_MARK in line:
            report = parse_report(line)
            if report is None:
                parsed.bad_reports.append(line)
            else:
                parsed.reports.append(report)
        elif _RESPONSE_MARK in line:
            response = parse_response(line)
            if response is None:
                parsed.bad_responses.append(line)
            else:
                parsed.responses.append(response)
        elif metrics_message in line:
            metrics = parse_metrics(line, metrics_message)
            if metrics is None:
                parsed.bad_metrics.append(line)
            else:
                parsed.metrics.append(metrics)
        elif (start := START_RE.search(line)) is not None:
            parsed.start_ids.append(start["request_id"])
        elif (end := END_RE.search(line)) is not None:
            parsed.end_ids.append(end["request_id"])
    return parsed
