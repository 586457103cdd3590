"""The logger: JSON lines Lambda understands, level filtering, TEXT format, stdlib capture."""

from __future__ import annotations

import datetime as dt
import json

LOGGING_APP = """
import logging
from lambdaflow import App, logger

app = App()
library = logging.getLogger("somelib")

@app.cold_start
def init() -> None:
    logger.info("cold.start")

@app.handler
def handle(event: dict) -> dict:
    logger.debug("debug.detail")
    logger.bind(order_id=42, items=["a"]).info("order.accepted")
    logger.warning("stock.low", sku="x-1")
    logger.bind(level="DEBUG", request_id="forged", note="kept").info("sneaky")
    library.warning("from %s", "stdlib")
    library.debug("stdlib debug")
    try:
        {}["missing"]
    except KeyError:
        logger.exception("lookup.failed")
    return {}
"""


def _by_message(runtime) -> dict[str, dict]:
    runtime.wait_for_record("invocation.metrics")
    return {record["message"]: record for record in runtime.json_lines()}


def test_json_records_carry_timestamp_level_request_id_and_bound_fields(api, start_runtime):
    runtime = start_runtime(LOGGING_APP)
    rid = api.invoke(b"{}").request_id
    records = _by_message(runtime)

    cold = records["cold.start"]
    assert cold["request_id"] is None and cold["function_name"] == "fn"

    accepted = records["order.accepted"]
    assert accepted["level"] == "INFO" and accepted["request_id"] == rid
    assert (accepted["order_id"], accepted["items"]) == (42, ["a"])
    stamp = dt.datetime.fromisoformat(accepted["timestamp"])
    assert stamp.utcoffset() == dt.timedelta(0) and accepted["timestamp"].endswith("Z")

    assert records["stock.low"]["level"] == "WARN" and records["stock.low"]["sku"] == "x-1"

    sneaky = records["sneaky"]  # bound fields cannot overwrite what Lambda filters on
    assert (sneaky["level"], sneaky["request_id"], sneaky["note"]) == ("INFO", rid, "kept")

    stdlib = records["from stdlib"]
    assert (stdlib["level"], stdlib["logger"], stdlib["request_id"]) == ("WARN", "somelib", rid)

    failed = records["lookup.failed"]
    assert failed["level"] == "ERROR"
    assert failed["exception"]["type"] == "KeyError"
    assert failed["exception"]["message"] == "'missing'"
    assert any("fn.py" in line for line in failed["exception"]["stack"])

    assert "debug.detail" not in records and "stdlib debug" not in records


def test_log_level_env_filters_records_including_stdlib(api, start_runtime):
    runtime = start_runtime(LOGGING_APP, AWS_LAMBDA_LOG_LEVEL="DEBUG")
    api.invoke(b"{}")
    assert {"debug.detail", "stdlib debug"} <= set(_by_message(runtime))
    runtime.stop()

    quiet = start_runtime(LOGGING_APP, AWS_LAMBDA_LOG_LEVEL="ERROR")
    api.invoke(b"{}")
    quiet.wait_for_record("lookup.failed")
    quiet.stop()
    assert {r["message"] for r in quiet.json_lines()} == {"lookup.failed"}


def test_text_format_gives_lambdas_tab_separated_lines(api, start_runtime):
    runtime = start_runtime(LOGGING_APP, AWS_LAMBDA_LOG_FORMAT="TEXT")
    rid = api.invoke(b"{}").request_id
    api.invoke(b"{}")  # the first invocation's metrics line is written before this one's answer
    runtime.stop()
    accepted = next(line for line in runtime.lines if "order.accepted" in line)
    level, stamp, request_id, message, *fields = accepted.split("\t")
    assert (level, request_id, message) == ("[INFO]", rid, "order.accepted")
    assert stamp.endswith("Z") and fields == ["order_id=42", "items=['a']"]
    assert any(line.startswith("Traceback") for line in runtime.lines)
    assert not any(line.startswith("{") for line in runtime.lines)


LEVELS_APP = """
from lambdaflow import App, logger

app = App()

@app.handler
def handle(event: dict) -> dict:
    logger.info("level.info")
    logger.warning("level.warning")
    logger.critical("level.critical")
    return {}
"""


def test_lambdas_level_names_are_written_and_understood(api, start_runtime):
    """Lambda's spellings: WARN for warning, FATAL for critical, in records and in the env."""
    runtime = start_runtime(LEVELS_APP, AWS_LAMBDA_LOG_LEVEL="WARN")
    api.invoke(b"{}")
    runtime.wait_for_record("level.critical")
    runtime.stop()
    levels = {r["message"]: r["level"] for r in runtime.json_lines()}
    assert levels == {"level.warning": "WARN", "level.critical": "FATAL"}


FORGING_APP = """
from lambdaflow import App, logger

app = App()

@app.handler
def handle(event: dict) -> dict:
    logger.info("peer.said", body=event["body"])
    return {}
"""


def test_text_format_escapes_control_characters_so_a_value_cannot_forge_a_line(
    api, start_runtime
):
    runtime = start_runtime(FORGING_APP, AWS_LAMBDA_LOG_FORMAT="TEXT")
    forged = "x\n[ERROR]\t2026-01-01T00:00:00Z\tforged\tinvocation.metrics\tok=1"
    api.invoke(json.dumps({"body": forged}).encode())
    api.invoke(b'{"body": "y"}')
    runtime.stop()
    said = [line for line in runtime.lines if "peer.said" in line]
    assert len(said) == 2 and not any(line.startswith("[ERROR]") for line in runtime.lines)
    assert said[0].split("\t")[4] == r"body=x\x0a[ERROR]\x092026-01-01T00:00:00Z\x09forged" \
        r"\x09invocation.metrics\x09ok=1"
