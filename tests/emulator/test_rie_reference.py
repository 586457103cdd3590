"""Replay every case recorded from the real AWS RIE and compare the emulator's answers.

``rie_reference/*.curl`` holds what callers got from the RIE (status, headers, body) and
``*.log`` its stdout. The same payloads are sent, in the same order, to the emulator serving
``bench/toys/scripted_runtime.py`` (which behaves as the bootstrap behind the recordings did).
Request ids and deadlines differ from run to run, so they are masked before comparing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from lambdaflow.emulator.output.report import REPORT_LINE

REFERENCE = Path(__file__).parents[1] / "rie_reference"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DEADLINE = re.compile(r'"deadline": "\d+"')
_TRUNCATED = re.compile(r"^(?P<prefix>.*)\.\.\.\[(?P<size>\d+) bytes cut\]$", re.DOTALL)
_RUNTIME_SIDE = re.compile(r"^\[bootstrap\] [a-z/ ]+-> \d{3} b'.*'$", re.MULTILINE)
# Only framing headers may differ: the RIE streams big bodies chunked, the emulator does not.
_FRAMING = {"content-length", "transfer-encoding"}
# Real Lambda marks function errors with this header; the RIE does not, the emulator does.
_ADDED = {"x-amz-function-error", "x-amz-executed-version"}  # as Lambda answers

CASES = {
    "ok": {},
    "err": {},
    "crash": {},
    "initcrash": {"BOOTSTRAP_INIT_MODE": "initcrash"},
    "initerr": {"BOOTSTRAP_INIT_MODE": "initerror"},
    "initstay": {"BOOTSTRAP_INIT_MODE": "initerror_stay", "BOOTSTRAP_STAY_S": "1"},
    "misc": {
        "BOOTSTRAP_INIT_MODE": "initsleep",
        "AWS_LAMBDA_FUNCTION_NAME": "myfn",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_FUNCTION_VERSION": "7",
        "_HANDLER": "my.handler",
    },
}


@dataclass
class Exchange:
    """One recorded invoke: what was sent and what the RIE answered."""

    payload: str
    status: int
    headers: dict[str, str]
    body: str


def mask(text: str) -> str:
    return _DEADLINE.sub('"deadline": "<ms>"', _UUID.sub("<uuid>", text))


def load_exchanges(case: str) -> list[Exchange]:
    text = (REFERENCE / f"{case}.curl").read_bytes().decode()  # keep the CRLFs
    exchanges = []
    for block in text.split("=== curl payload: ")[1:]:
        payload, _, rest = block.partition("\n")
        _, _, response = rest.partition("\n")  # skip the "HTTP 200 time=..." summary
        head, _, body = response.partition("\r\n\r\n")
        status_line, *header_lines = head.split("\r\n")
        headers = dict(line.split(": ", 1) for line in header_lines)
        status = int(status_line.split()[1])
        exchanges.append(Exchange(payload, status, headers, body.removesuffix("\n")))
    return exchanges


def assert_same_answer(expected: Exchange, status: int, headers: dict[str, str], body: bytes):
    assert status == expected.status, (expected.payload, body[:300])
    expected_headers = {k.lower(): v for k, v in expected.headers.items()}
    actual_headers = {k.lower(): v for k, v in headers.items()}
    for name in expected_headers.keys() - _FRAMING:
        assert actual_headers.get(name) == expected_headers[name], (expected.payload, name)
    assert actual_headers.keys() - expected_headers.keys() - _FRAMING <= _ADDED
    text = body.decode()
    truncated = _TRUNCATED.match(expected.body)
    if truncated:
        assert len(body) == int(truncated.group("size"))
        assert text.startswith(truncated.group("prefix"))
    else:
        assert mask(text) == mask(expected.body), expected.payload


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_answers_as_the_rie(start_emulator, case: str) -> None:
    emulator = start_emulator(env=CASES[case])
    for exchange in load_exchanges(case):
        status, headers, body = emulator.invoke(exchange.payload)
        assert_same_answer(exchange, status, headers, body)


@pytest.mark.parametrize("case", sorted(CASES))
def test_runtime_gets_the_rie_answers(start_emulator, case: str) -> None:
    """What the runtime was told (202, 403 InvalidStateTransition, 413) matches byte for byte."""
    emulator = start_emulator(env=CASES[case])
    for exchange in load_exchanges(case):
        emulator.invoke(exchange.payload)
    reference_lines = _RUNTIME_SIDE.findall((REFERENCE / f"{case}.log").read_text())
    emulator.stop()
    our_lines = set(_RUNTIME_SIDE.findall(emulator.output()))
    for line in reference_lines:
        assert line in our_lines


def test_one_regex_parses_the_rie_reports_and_ours(start_emulator) -> None:
    rie_reports = [
        line
        for log in sorted(REFERENCE.glob("*.log"))
        for line in log.read_text().splitlines()
        if line.startswith("REPORT")
    ]
    assert len(rie_reports) >= 10
    assert all(REPORT_LINE.match(line) for line in rie_reports)
    emulator = start_emulator(env=CASES["misc"])
    for exchange in load_exchanges("misc"):
        emulator.invoke(exchange.payload)
    parsed = emulator.reports(len(load_exchanges("misc")))
    assert {match.group("memory_mb") for match in parsed} == {"256"}
    assert "START RequestId: " in emulator.output()
    assert all(
        line.endswith(" Version: 7")
        for line in emulator.output().splitlines()
        if line.startswith("START")
    )
