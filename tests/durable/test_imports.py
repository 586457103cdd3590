"""What loads what: the durable SDK and boto3 only with a durable function; the emulator's
durable backend nothing of the runtime. Fresh interpreters: this one has imported everything."""

from __future__ import annotations

import json
import subprocess
import sys

REPORT = "import json, sys; print(json.dumps(sorted(sys.modules)))"
_HEAVY = ("aws_durable_execution_sdk_python", "boto3", "botocore")


def modules_after(code: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{REPORT}"], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_a_plain_function_never_loads_the_sdk_or_boto3() -> None:
    code = (
        "import importlib, pkgutil, lambdaflow\n"
        "for module in pkgutil.iter_modules(lambdaflow.__path__):\n"
        "    if module.name not in ('events', 'emulator', 'durable', '__main__', 'testing'):\n"
        "        importlib.import_module('lambdaflow.' + module.name)\n"
        "import examples.echo.app"
    )
    loaded = modules_after(code)
    assert [m for m in loaded if m.split(".")[0] in _HEAVY] == []


def test_a_durable_function_loads_them() -> None:
    loaded = modules_after("import examples.durable.app")
    assert {"aws_durable_execution_sdk_python", "boto3"} <= set(loaded)


def test_the_emulators_backend_imports_nothing_of_the_runtime() -> None:
    loaded = modules_after("import lambdaflow.emulator.durable.api")
    ours = [m for m in loaded if m.startswith("lambdaflow")]
    assert [m for m in ours if not m.startswith(("lambdaflow.emulator", "lambdaflow.limits"))] == [
        "lambdaflow"
    ]
    assert [m for m in loaded if m.split(".")[0] in _HEAVY] == []
