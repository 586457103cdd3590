"""The log parsers on the real AWS RIE's output and on synthetic emulator output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.logparse import ParsedResponse, parse_log, parse_metrics, parse_report
from lambdaflow.emulator.output.report import response_line

REPORT_WITH_INIT = (
    "REPORT RequestId: 7593d7ea-9110-41e9-91c0-de885d7c77d2\tInit Duration: 0.08 ms\t"
    "Duration: 113.04 ms\tBilled Duration: 114 ms\tMemory Size: 3008 MB\t"
    "Max Memory Used: 3008 MB\t"
)


def _lines(samples: Path, name: str) -> list[str]:
    return (samples / name).read_text().splitlines()


def test_report_line_with_init_duration() -> None:
    report = parse_report(REPORT_WITH_INIT)
    assert report is not None
    assert report.request_id == "7593d7ea-9110-41e9-91c0-de885d7c77d2"
    assert report.init_duration_ms == 0.08
    assert report.duration_ms == 113.04
    assert report.billed_ms == 114
    assert report.memory_size_mb == 3008
    assert report.max_memory_used_mb == 3008


def test_report_without_init_duration() -> None:
    line = (
        "REPORT RequestId: 7593d7ea-9110-41e9-91c0-de885d7c77d2\tDuration: 2.11 ms\t"
        "Billed Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t"
    )
    report = parse_report(line + "\r\n")
    assert report is not None
    assert report.init_duration_ms is None
    assert (report.duration_ms, report.billed_ms, report.max_memory_used_mb) == (2.11, 3, 41)


@pytest.mark.parametrize(
    "line",
    [
        REPORT_WITH_INIT.replace("\t", " "),  # spaces instead of tabs: not the RIE's format
        REPORT_WITH_INIT.replace("Billed Duration: 114 ms", "Billed Duration: 114.5 ms"),
        "REPORT RequestId: x\tDuration: ms\tBilled Duration: 1 ms\tMemory Size: 1 MB\t",
        "END RequestId: 7593d7ea-9110-41e9-91c0-de885d7c77d2",
        REPORT_WITH_INIT.rstrip("\t"),  # no trailing tab
        REPORT_WITH_INIT.replace("7593d7ea-9110-41e9-91c0-de885d7c77d2", "abc"),  # not a UUID
        "[runtime] " + REPORT_WITH_INIT,  # another process's output ahead of it on the line
    ],
)
def test_malformed_report_lines_are_rejected(line: str) -> None:
    assert parse_report(line) is None


def test_real_rie_ok_log(rie_samples: Path) -> None:
    parsed = parse_log(_lines(rie_samples, "ok.log"))
    assert [r.duration_ms for r in parsed.reports] == [121.15, 1.73, 1.67]
    assert [r.billed_ms for r in parsed.reports] == [122, 2, 2]
    assert [r.init_duration_ms for r in parsed.reports] == [0.08, None, None]
    assert parsed.end_ids == [r.request_id for r in parsed.reports]
    assert len(parsed.start_ids) == 3
    assert parsed.bad_reports == [] and parsed.metrics == [] and parsed.bad_metrics == []


def test_real_rie_misc_log_other_version_and_memory(rie_samples: Path) -> None:
    parsed = parse_log(_lines(rie_samples, "misc.log"))
    assert len(parsed.start_ids) == 7
    assert {r.memory_size_mb for r in parsed.reports} == {256}
    assert [r.billed_ms for r in parsed.reports] == [600, 3, 3, 96, 27, 2, 2]


def test_real_rie_crashes_leave_starts_without_reports(rie_samples: Path) -> None:
    parsed = parse_log(_lines(rie_samples, "crash.log"))
    assert len(parsed.start_ids) == 4
    assert len(parsed.reports) == 2
    assert parsed.bad_reports == []


@pytest.mark.parametrize(
    "name", ["crash.log", "err.log", "initcrash.log", "initerr.log", "initstay.log", "misc.log",
             "ok.log"]
)
def test_every_real_report_line_parses(rie_samples: Path, name: str) -> None:
    lines = _lines(rie_samples, name)
    parsed = parse_log(lines)
    assert len(parsed.reports) == sum("REPORT RequestId:" in line for line in lines)
    assert parsed.end_ids == [r.request_id for r in parsed.reports]


def test_metrics_line_any_key_order() -> None:
    record = {"total_ms": 35.1, "outcome": "success", "handler_ms": 35.0, "level": "INFO",
              "request_id": "r1", "message": "invocation.metrics", "next_ms": 0.04}
    metrics = parse_metrics(json.dumps(record))
    assert metrics is not None
    assert metrics.request_id == "r1"
    assert metrics.outcome == "success"
    assert metrics.phases == {"next_ms": 0.04, "handler_ms": 35.0, "total_ms": 35.1}


@pytest.mark.parametrize(
    "line",
    [
        '{"message": "invocation.metrics", "handler_ms": 1.0}',  # no request id
        '{"message": "invocation.metrics", "request_id": "r1", "handler_ms": 1.0',  # cut short
        '{"message": "runtime.started", "request_id": "r1"}',  # another log record
        "[\"invocation.metrics\"]",
    ],
)
def test_not_a_metrics_record(line: str) -> None:
    assert parse_metrics(line) is None


def test_log_sorts_lines_and_keeps_what_it_cannot_parse() -> None:
    lines = [
        "START RequestId: r1 Version: $LATEST",
        '{"message": "invocation.metrics", "request_id": "r1", "handler_ms": 1.5}',
        '{"message": "invocation.metrics", "request_id": "r2", "handler_ms": ',
        '{"message": "handler says hi", "request_id": "r1"}',
        "END RequestId: r1",
        REPORT_WITH_INIT.replace("\t", "  "),
        "plain handler output",
    ]
    parsed = parse_log(lines)
    assert parsed.start_ids == ["r1"] and parsed.end_ids == ["r1"]
    assert [m.request_id for m in parsed.metrics] == ["r1"]
    assert len(parsed.bad_metrics) == 1
    assert len(parsed.bad_reports) == 1
    assert parsed.reports == []


RID = "8d2b3f4a-1c2e-4f5a-9b6c-7d8e9f0a1b2c"


def test_response_lines_parse_and_bad_ones_are_kept_raw() -> None:
    garbled = response_line(RID, 1.0).replace("\t", " ")
    parsed = parse_log([response_line(RID, 12.345), garbled, "RESPONSE RequestId: short\t"])
    assert parsed.responses == [ParsedResponse(RID, 12.35)]
    assert parsed.bad_responses == [garbled, "RESPONSE RequestId: short\t"]
    assert parsed.reports == [] and parsed.bad_reports == []


def test_custom_metrics_message_for_peers() -> None:
    line = '{"message": "bench.peer.metrics", "request_id": "p1", "handler_ms": 20.1}'
    assert parse_log([line]).metrics == []
    parsed = parse_log([line], metrics_message="bench.peer.metrics")
    assert parsed.metrics[0].phases == {"handler_ms": 20.1}


@given(
    request_id=st.uuids().map(str),
    duration=st.floats(min_value=0, max_value=900_000, allow_nan=False).map(lambda v: round(v, 2)),
    init=st.none() | st.floats(min_value=0, max_value=10_000).map(lambda v: round(v, 2)),
    memory=st.integers(min_value=128, max_value=10_240),
    used=st.integers(min_value=1, max_value=10_240),
)
def test_any_rie_formatted_report_round_trips(request_id: str, duration: float,
                                              init: float | None, memory: int, used: int) -> None:
    billed = int(-(-duration // 1))
    init_part = f"Init Duration: {init:.2f} ms\t" if init is not None else ""
    line = (f"REPORT RequestId: {request_id}\t{init_part}Duration: {duration:.2f} ms\t"
            f"Billed Duration: {billed} ms\tMemory Size: {memory} MB\tMax Memory Used: {used} MB\t")
    report = parse_report(line)
    assert report is not None
    assert (report.request_id, report.duration_ms, report.billed_ms) == (request_id, duration,
                                                                        billed)
    assert (report.init_duration_ms, report.memory_size_mb, report.max_memory_used_mb) == (
        init, memory, used)
