"""lambdaflow: typed handlers, structured logs and per-phase metrics for AWS Lambda.

    from lambdaflow import App, Context, logger

Names are resolved on first use (PEP 562), so `python -m lambdaflow` and the emulator import
only what they need: cold start is part of the product.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "App": "framework.app",
    "Context": "framework.context",
    "HttpStream": "framework.streaming",
    "logger": "observability.log_sink",
    "InitError": "errors",
    "LambdaflowError": "errors",
    "MarshalError": "errors",
    "RegistrationError": "errors",
    "UnmarshalError": "errors",
    "metrics": "metrics",
}

__all__ = [
    "App",
    "Context",
    "HttpStream",
    "InitError",
    "LambdaflowError",
    "MarshalError",
    "RegistrationError",
    "UnmarshalError",
    "__version__",
    "logger",
    "metrics",
]

if TYPE_CHECKING:
    from . import metrics
    from .errors import InitError, LambdaflowError, MarshalError, RegistrationError, UnmarshalError
    from .framework.app import App
    from .framework.context import Context
    from .framework.streaming import HttpStream
    from .observability.log_sink import logger


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lambdaflow' has no attribute {name!r}")
    loaded = importlib.import_module(f".{module}", __name__)
    value = loaded if name == module else getattr(loaded, name)  # a module exports itself
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
