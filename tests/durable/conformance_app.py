"""AWS's Python conformance handlers behind one lambdaflow function.

Each requirement has its own handler and environment (``handlers.tsv``); one emulated function
serves them all: the execution's name starts with the requirement id (``1-1_x7k2``), which
picks them. A chained invoke's target (``TargetEcho``...) runs in an emulator of its own,
named by ``LAMBDAFLOW_CONFORMANCE_FUNCTION``. The handlers are AWS's code, not vendored here:
``LAMBDAFLOW_CONFORMANCE_HANDLERS`` names the ``handlers`` folder of a checkout of
aws/aws-durable-execution-sdk-python.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from lambdaflow import App

TABLE = Path(__file__).with_name("conformance") / "handlers.tsv"
#: Where the templates' ``${Function.Arn}`` point: the emulators' function ARNs.
ARN_PREFIX = "arn:aws:lambda:us-east-1:012345678912:function:"


def handler_table() -> dict[str, tuple[str, dict[str, Any]]]:
    """Requirement id (or target function name) -> (``module.function``, its environment)."""
    table = {}
    for line in TABLE.read_text().splitlines():
        if line[:1] != "#":
            key, target, environment = line.split("\t")
            table[key] = (target, json.loads(environment))
    return table


def _environment(environment: dict[str, Any]) -> dict[str, str]:
    """The template's variables, ``${Name.Arn}`` resolved (others have no service here)."""
    resolved = {}
    for name, value in environment.items():
        if isinstance(value, str):
            resolved[name] = re.sub(r"\$\{(\w+)\.Arn\}", lambda m: ARN_PREFIX + m[1], value)
    return resolved


app = App()
_handlers = handler_table()


@app.cold_start
def _import_path() -> None:
    sys.path.insert(0, os.environ["LAMBDAFLOW_CONFORMANCE_HANDLERS"])


@app.handler
def dispatch(event: dict[str, Any], context) -> Any:
    """Run the handler the function or the execution's name asks for."""
    key = os.environ.get("LAMBDAFLOW_CONFORMANCE_FUNCTION")
    if key is None:
        key = event["DurableExecutionArn"].rsplit("/", 2)[-2].partition("_")[0]
    target, environment = _handlers[key]
    os.environ.update(_environment(environment))  # invocations run one at a time
    module, _, function = target.rpartition(".")
    return getattr(importlib.import_module(module), function)(event, context)
