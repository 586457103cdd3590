"""AWS's Python conformance handlers behind one lambdaflow function.

Each requirement has its own handler (``handlers.tsv``); one emulated function serves them all:
the execution's name starts with the requirement id (``1-1_x7k2``), which picks the handler.
The handlers are AWS's code, not vendored here: ``LAMBDAFLOW_CONFORMANCE_HANDLERS`` names the
``handlers`` folder of a checkout of aws/aws-durable-execution-sdk-python.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

from lambdaflow import App

TABLE = Path(__file__).with_name("conformance") / "handlers.tsv"


def handler_table() -> dict[str, str]:
    """Requirement id -> ``module.function`` of its handler."""
    rows = (line.split("\t") for line in TABLE.read_text().splitlines() if line[:1] != "#")
    return {requirement: target for requirement, target in rows}


app = App()
_handlers = handler_table()


@app.cold_start
def _import_path() -> None:
    sys.path.insert(0, os.environ["LAMBDAFLOW_CONFORMANCE_HANDLERS"])


@app.handler
def dispatch(event: dict[str, Any], context) -> dict[str, Any]:
    """Run the handler the execution's name asks for (its durable_execution does the rest)."""
    name = event["DurableExecutionArn"].rsplit("/", 2)[-2]
    module, _, function = _handlers[name.partition("_")[0]].rpartition(".")
    return getattr(importlib.import_module(module), function)(event, context)
