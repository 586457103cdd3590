"""loguru loads when a record needs it, not at start: the first response needs none of it, and
the runtime's own records (the metrics line) are written without it (issue 20)."""

from __future__ import annotations

import os

from .conftest import REPO

LAZY_APP = """
import logging
import sys
from lambdaflow import App

app = App()

@app.handler
def handle(event):
    if event == "stdlib":
        logging.getLogger("some.library").warning("from the stdlib")
    return "loguru" in sys.modules
"""


def test_the_metrics_lines_are_written_without_loading_loguru(api, start_runtime):
    runtime = start_runtime(LAZY_APP)
    assert api.invoke(b'"first"').json() is False  # served without loguru
    assert api.invoke(b'"second"').json() is False  # the first metrics line did not load it
    first, second = runtime.wait_for_record("invocation.metrics", count=2)
    assert first["cold_start"] is True and first["level"] == "INFO"
    assert second["cold_start"] is False and second["function_name"] == "fn"
    assert list(first)[:5] == ["timestamp", "level", "message", "request_id", "function_name"]


def test_a_stdlib_record_as_the_first_record_loads_the_sink(api, start_runtime):
    runtime = start_runtime(LAZY_APP)
    post = api.invoke(b'"stdlib"')
    [record] = runtime.wait_for_record("from the stdlib")
    assert (record["level"], record["logger"]) == ("WARN", "some.library")
    assert record["request_id"] == post.request_id


def test_logging_at_import_time_uses_the_sink(api, start_runtime):
    runtime = start_runtime("from lambdaflow import App, logger\n"
                            "log = logger.bind(component='fn')\n"
                            "log.info('imported')\n"
                            "app = App()\n"
                            "app.handler(lambda event: event)\n")
    assert api.invoke(b'"x"').json() == "x"
    [record] = runtime.wait_for_record("imported")
    assert record["component"] == "fn" and record["function_name"] == "fn"
    assert not [line for line in runtime.lines if not line.startswith("{")], runtime.lines


LATE_STDLIB_APP = """
import sys
from lambdaflow import App

app = App()

@app.handler
def handle(event):
    before = "logging" in sys.modules
    import logging  # first imported here, after the runtime started

    logging.getLogger("late.library").info("imported late")
    return before
"""


def test_stdlib_logging_is_not_imported_for_the_first_response_and_bridged_when_it_is(
    api, start_runtime
):
    runtime = start_runtime(LATE_STDLIB_APP)
    assert api.invoke(b'"first"').json() is False  # nothing imported logging before this
    [record] = runtime.wait_for_record("imported late")
    assert (record["level"], record["logger"]) == ("INFO", "late.library")
    assert not [line for line in runtime.lines if not line.startswith("{")], runtime.lines


def test_stdlib_logging_imported_before_the_runtime_started_is_bridged(
    api, start_runtime, tmp_path
):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import logging\n")  # loaded before lambdaflow
    runtime = start_runtime(LATE_STDLIB_APP, PYTHONPATH=f"{site}{os.pathsep}{REPO}")
    assert api.invoke(b'"x"').json() is True
    [record] = runtime.wait_for_record("imported late")
    assert record["logger"] == "late.library"
