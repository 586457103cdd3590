"""Cold start: an event class loads its own source's module and nothing of the others.

Each check runs in a fresh interpreter, since this test process has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lambdaflow import events

REPORT_EVENT_MODULES = (
    "import json, sys; "
    "print(json.dumps(sorted(m for m in sys.modules if m.startswith('lambdaflow.events'))))"
)


def event_modules_after(code: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{REPORT_EVENT_MODULES}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_the_runtime_never_imports_events() -> None:
    # Every top-level module of lambdaflow, whatever its name, as the runtime would load them.
    code = (
        "import importlib, pkgutil, lambdaflow\n"
        "for module in pkgutil.iter_modules(lambdaflow.__path__):\n"
        "    if module.name not in ('events', 'emulator', '__main__'):\n"
        "        importlib.import_module('lambdaflow.' + module.name)\n"
        "import examples.echo.app"
    )
    assert event_modules_after(code) == []


def test_the_package_alone_loads_no_source() -> None:
    assert event_modules_after("import lambdaflow.events") == ["lambdaflow.events"]


@pytest.mark.parametrize(
    ("name", "modules"),
    [
        ("SQSEvent", ["sqs"]),
        ("KinesisStreamEvent", ["_encoded", "kinesis"]),
        ("APIGatewayProxyEvent", ["_encoded", "_http", "api_gateway"]),
        ("LambdaFunctionUrlEvent", ["_encoded", "_http", "api_gateway_v2", "function_url"]),
    ],
)
def test_one_class_loads_only_its_source(name: str, modules: list[str]) -> None:
    code = (
        f"from lambdaflow.events import {name}\n"
        "from lambdaflow.framework.codec import converter\n"
        f"converter.get_structure_hook({name})"
    )
    expected = ["lambdaflow.events", "lambdaflow.events._fields"]
    expected += [f"lambdaflow.events.{module}" for module in modules]
    assert event_modules_after(code) == sorted(expected)


def test_every_exported_name_resolves_from_its_module() -> None:
    assert sorted(events._EXPORTS) == events.__all__ == sorted(dir(events))
    for name, module in events._EXPORTS.items():
        value = getattr(events, name)
        assert value.__module__ == f"lambdaflow.events.{module}"
        assert value.__name__ == name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="SQSEvnt"):
        events.SQSEvnt  # noqa: B018
