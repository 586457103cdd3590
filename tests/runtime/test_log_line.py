"""Lines written without loguru (`log_line`) are the lines loguru and the sink write (issue 20):
the same fields in the same order, JSON and TEXT, level filtering, bound fields, the ids."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import runtime_env

SCRIPT = """
import sys
from lambdaflow.observability import runtime_log
runtime_log.start()  # as the runtime does
from lambdaflow.observability.log_line import direct
from lambdaflow.observability.log_state import NO_INVOCATION, stamp
from lambdaflow.observability.runtime_log import logger as own


class Ids:
    aws_request_id, tenant_id, trace_id = "req-1", "tenant\\t1", "Root=1-abc"


def records(log, bound):
    log.info("plain {x} {{braces}}", x=1, path="a/b", text="tab\\there", n=1.5)
    log.debug("filtered out at INFO")
    log.warning("warned", level="not the level")
    bound.error("bound", more=[1, {"k": None}])
    stamp(Ids())
    log.info("with ids", ok=True)
    stamp(NO_INVOCATION)
    own.info("own record", count=2)  # lambdaflow's own logger front


from lambdaflow import logger
before = "loguru" in sys.modules
print("DIRECT", direct(), flush=True)
records(logger, logger.bind(component="c"))
with logger.contextualize(task="t"):  # loguru adds these fields: the record goes through it
    print("CONTEXTUALIZED", direct(), flush=True)
logger.disable("some.library")  # activation rules too
print("DISABLED", direct(), flush=True)
logger.enable("some.library")
logger.add(lambda message: None)  # a second handler: loguru must see every record now
print("DIRECT", direct(), flush=True)
records(logger, logger.bind(component="c"))
"""


@pytest.mark.parametrize("log_format", ["JSON", "TEXT"])
def test_direct_lines_equal_loguru_lines(log_format: str) -> None:
    env = runtime_env(None, AWS_LAMBDA_LOG_FORMAT=log_format)
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "CONTEXTUALIZED False" in lines and "DISABLED False" in lines
    lines = [line for line in lines if not line.startswith(("CONTEXTUALIZED", "DISABLED"))]
    marks = [i for i, line in enumerate(lines) if line.startswith("DIRECT")]
    assert [lines[i] for i in marks] == ["DIRECT True", "DIRECT False"]
    direct, through_loguru = lines[marks[0] + 1:marks[1]], lines[marks[1] + 1:]
    assert len(direct) == 5, direct

    def without_time(line: str) -> object:
        if log_format == "JSON":
            record = json.loads(line)
            assert record.pop("timestamp").endswith("Z")
            return list(record.items())
        level, timestamp, rest = line.split("\t", 2)
        assert timestamp.endswith("Z") and len(timestamp) == 27
        return level, rest

    assert [without_time(line) for line in direct] == [without_time(line) for line in
                                                      through_loguru]
    if log_format == "JSON":
        first = json.loads(direct[0])
        assert first["message"] == "plain 1 {braces}" and first["path"] == "a/b"
        with_ids = json.loads(direct[3])
        assert (with_ids["request_id"], with_ids["tenant_id"], with_ids["xray_trace_id"]) == (
            "req-1", "tenant\t1", "Root=1-abc")
    else:
        assert "tenant" not in direct[3] and "\\x09" in direct[0]
        # Lambda's TEXT columns: level, time, request id, message, then the fields
        assert direct[0].split("\t", 2)[2] == (
            "\tplain 1 {braces}\tx=1\tpath=a/b\ttext=tab\\x09here\tn=1.5"
        )
        assert direct[3].split("\t")[2:4] == ["req-1", "with ids"]


def test_the_text_escape_tables_are_built_by_the_first_text_line_only() -> None:
    """About 1 ms of cold start (2,048 surrogates) that a function logging JSON never pays."""
    probe = (
        "from lambdaflow.observability import log_line\n"
        "assert log_line._Escapes.text is None\n"
        "log_line.text_line('INFO', 'now', 'message', {})\n"
        "assert log_line._Escapes.text[0x0A] == '\\\\x0a'\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)
