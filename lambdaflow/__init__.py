"""lambdaflow: typed handlers, structured logs and per-phase metrics for AWS Lambda.

    from lambdaflow import App, Context, logger

Names are resolved on first use (PEP 562), so `python -m lambdaflow` and the emulator import
only what they need: cold start is part of the product.

The public face is this module, `metrics`, `testing` (with `testing_plugin`), `events` and
`batch`; the rest is grouped by concern, imports running one way (tests/test_layers.py):

- `__main__`: `python -m lambdaflow module:app`, the runtime's entry point
- `errors`: exceptions, and the error payloads Lambda shows the caller
- `limits`: Lambda's documented limits, for the runtime and the emulator alike
- `settings`: every environment variable lambdaflow reads
- `metrics`: the function's own metrics, on the invocation's metrics line
- `batch`: batch item failures, so Lambda retries only the records that failed
- `testing`: the in-process test client
- `testing_plugin`: the pytest plugin and its `lambda_client` fixture
- `framework/`: the App, its plan, the codec, Context, the phases, streaming
- `runtime/`: the process: bootstrap, the loop, lifecycle, SnapStart, concurrency
- `runtime_api/`: the Runtime API client
- `observability/`: structured logs and the metrics record
- `events/`: typed AWS event sources, one module per source
- `http/`: HTTP routes for every HTTP trigger, and the ASGI bridge
- `durable/`: typed durable handlers over the official SDK, and their test client
- `emulator/`: the local, RIE-compatible emulator
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

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

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from . import metrics
    from .errors import InitError, LambdaflowError, MarshalError, RegistrationError, UnmarshalError
    from .framework.app import App
    from .framework.context import Context
    from .framework.streaming import HttpStream
    from .observability.log_sink import logger


def exports_on_first_use(
    package: str, exports: dict[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A package's PEP 562 `__getattr__`: each name in `exports` (name -> module of the package)
    is imported on first use and kept in the package's `namespace`; a name its module does not
    define is the module itself (`lambdaflow.metrics`). lambdaflow, its events, http and durable
    packages resolve names this way, so importing one name never loads its neighbours."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        loaded = importlib.import_module(f".{module}", package)
        value = getattr(loaded, name, loaded)
        namespace[name] = value
        return value

    return __getattr__


__getattr__ = exports_on_first_use(__name__, _EXPORTS, globals())


def __dir__() -> list[str]:
    return sorted(__all__)
