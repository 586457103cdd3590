"""One of the SDK's own examples (aws/aws-durable-execution-sdk-python's
packages/aws-durable-execution-sdk-python-examples) as a lambdaflow function:
``LAMBDAFLOW_SDK_EXAMPLE`` names its handler (``src.step.step:handler``)."""

from __future__ import annotations

import importlib
import os
from typing import Any

from lambdaflow import App

module, _, name = os.environ["LAMBDAFLOW_SDK_EXAMPLE"].partition(":")
_handler = getattr(importlib.import_module(module), name)

app = App()


@app.handler
def example(event: Any, context) -> Any:
    return _handler(event, context)
