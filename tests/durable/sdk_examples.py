"""A pytest plugin that runs the SDK's example tests in cloud mode against the emulator.

The SDK's examples package tests each example against a deployed function
(``--runner-mode=cloud``: ``LAMBDA_ENDPOINT``, ``PYTEST_FUNCTION_NAME_MAP``). This plugin
deploys nothing: for each test it starts an emulator (``--durable --durable-time-skipping``)
serving the example's handler through lambdaflow, and points the test there. Run from a
checkout's ``packages/aws-durable-execution-sdk-python-examples``:

    PYTHONPATH=/path/to/lambdaflow python -m pytest test -p tests.durable.sdk_examples \\
        --runner-mode=cloud -m example

It needs the SDK's testing package (``aws-durable-execution-sdk-python-testing``) installed.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.emulator.conftest import REPO, launch


@pytest.fixture(autouse=True)
def _emulated_example(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    marker = request.node.get_closest_marker("durable_execution")
    if marker is None or "handler" not in marker.kwargs:
        yield
        return
    handler = marker.kwargs["handler"]
    name = marker.kwargs.get("lambda_function_name", handler.__module__)
    emulator = launch(
        tmp_path / "emulator.out",
        "--durable",
        "--durable-time-skipping",
        "--timeout",
        "60",
        runtime=[sys.executable, "-m", "lambdaflow", "tests.durable.sdk_example_app:app"],
        env={
            "LAMBDAFLOW_SDK_EXAMPLE": f"{handler.__module__}:{handler.__name__}",
            "PYTHONPATH": os.pathsep.join((str(REPO), os.getcwd())),
        },
    )
    request.node.user_properties.append(("emulator_output", str(tmp_path / "emulator.out")))
    saved = {key: os.environ.get(key) for key in ("LAMBDA_ENDPOINT", "PYTEST_FUNCTION_NAME_MAP")}
    os.environ["LAMBDA_ENDPOINT"] = f"http://127.0.0.1:{emulator.port}"
    os.environ["PYTEST_FUNCTION_NAME_MAP"] = json.dumps({name: "function"})
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    os.environ.setdefault("AWS_REGION", "us-east-1")
    try:
        yield
    finally:
        emulator.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
