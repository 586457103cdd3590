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
from contextvars import ContextVar
from typing import Any, Protocol

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


class InvocationIds(Protocol):
    """The ids an invocation's records are stamped with: its `Context` has them."""

    request_id: str | None
    tenant_id: str | None
    trace_id: str | None


class _RequestIdOnly:
    """The ids known before the Context is built (and when none is: all None)."""

    __slots__ = ("request_id",)
    tenant_id = None
    trace_id = None

    def __init__(self, request_id: str | None) -> None:
        self.request_id = request_id


NO_INVOCATION: InvocationIds = _RequestIdOnly(None)
#: A contextvar, not a process-wide attribute: under AWS_LAMBDA_MAX_CONCURRENCY several
#: invocations overlap, each in its own thread or asyncio task, and each has its own context
#: (a task copies the context of whoever submitted it). It holds the invocation's Context
#: itself (no copy per invocation); `handling` sets it, the sink reads it.
_current: ContextVar[InvocationIds] = ContextVar("lambdaflow_invocation", default=NO_INVOCATION)
#: Stamp the ids (a Context, or NO_INVOCATION) on what this thread or task logs from now on.
stamp = _current.set


class _CurrentInvocation:
    """The current context's ids, read as attributes (and a request id set alone)."""

    __slots__ = ()

    @property
    def request_id(self) -> str | None:
        return _current.get().request_id

    @request_id.setter
    def request_id(self, value: str | None) -> None:
        """Stamp a request id alone (before the Context is built, or in a test)."""
        _current.set(_RequestIdOnly(value))

    @property
    def tenant_id(self) -> str | None:
        return _current.get().tenant_id

    @property
    def xray_trace_id(self) -> str | None:
        return _current.get().trace_id


current_invocation = _CurrentInvocation()
#: The current context's ids, read once per record by the sink.
current_ids = _current.get


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
