"""lambdaflow's own logging, with loguru loaded at the first record rather than at start.

Nothing logs before the first response of a function that does not log in its handler, so
loguru (with the asyncio and multiprocessing modules it imports) and the sink are loaded when
the first record is written: for most functions the first invocation's metrics line, after its
response is posted. lambdaflow's modules log through `logger` here, which stands for loguru's
logger until then and is loguru's own bound methods after (no lookup cost per record).
`from lambdaflow import logger` is loguru's logger itself: importing it loads loguru then.

The stdlib `logging` bridge is installed at start (stdlib logging is imported anyway, by
urllib3): a library's record routes to the loguru sink, loading it if it is the first.
"""

from __future__ import annotations

import logging as stdlib_logging
import os
from typing import Any

#: AWS_LAMBDA_LOG_LEVEL values -> loguru level names (Lambda's names and Python's).
THRESHOLDS = {
    "TRACE": "TRACE",
    "DEBUG": "DEBUG",
    "INFO": "INFO",
    "WARN": "WARNING",
    "WARNING": "WARNING",
    "ERROR": "ERROR",
    "FATAL": "CRITICAL",
    "CRITICAL": "CRITICAL",
}
#: loguru's level numbers, which are stdlib logging's (TRACE aside).
_LEVEL_NUMBERS = {"TRACE": 5, "DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


class _CurrentInvocation:
    """The ids records are stamped with (request, tenant, X-Ray trace); `handling` sets them,
    the sink reads them.

    A plain attribute rather than a contextvar: one invocation runs at a time per process
    (Python runtimes use one process per concurrency slot), and this costs nothing to read.
    """

    __slots__ = ("request_id", "tenant_id", "xray_trace_id")

    def __init__(self) -> None:
        self.request_id: str | None = None
        self.tenant_id: str | None = None
        self.xray_trace_id: str | None = None


current_invocation = _CurrentInvocation()


class _Runtime:
    """Whether this process is the runtime (`start` was called): the sink is then installed
    as soon as loguru is loaded, by whoever loads it."""

    started = False


runtime = _Runtime()


def threshold_from_env() -> str:
    raw = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper()
    return THRESHOLDS.get(raw, "INFO")


def load() -> Any:
    """loguru's logger, with lambdaflow's sink installed if this process is the runtime."""
    from . import logging as sink

    return sink.logger


class _DeferredLogger:
    """Stands for loguru's logger until its first use, then hands out its bound methods."""

    def __getattr__(self, name: str) -> Any:
        value = getattr(load(), name)
        setattr(self, name, value)  # later uses find it here, without __getattr__
        return value


logger: Any = _DeferredLogger()


class StdlibBridge(stdlib_logging.Handler):
    """Sends stdlib `logging` records (boto3's, urllib3's, the user's) to the loguru sink."""

    def emit(self, record: stdlib_logging.LogRecord) -> None:
        real = load()
        try:
            level: str | int = real.level(record.levelname).name
        except ValueError:
            level = record.levelno
        real.opt(exception=record.exc_info).bind(logger=record.name).log(
            level, record.getMessage()
        )


def start() -> None:
    """The runtime is starting: route stdlib logging now, load loguru at the first record."""
    runtime.started = True
    root = stdlib_logging.getLogger()
    root.handlers[:] = [StdlibBridge()]
    root.setLevel(_LEVEL_NUMBERS[threshold_from_env()])
