"""lambdaflow: typed handlers, structured logs and per-phase metrics for AWS Lambda.

from lambdaflow import App, Context, logger
"""

__version__ = "0.1.0"

from .app import App
from .context import Context
from .errors import (
    InitError,
    LambdaflowError,
    MarshalError,
    RegistrationError,
    UnmarshalError,
)
from .logging import logger

__all__ = [
    "App",
    "Context",
    "InitError",
    "LambdaflowError",
    "MarshalError",
    "RegistrationError",
    "UnmarshalError",
    "__version__",
    "logger",
]
