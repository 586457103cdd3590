"""lambdaflow's own logging, with loguru loaded at the first record rather than at start.

Nothing logs before the first response of a function that does not log in its handler, so
loguru (with the asyncio and multiprocessing modules it imports) and the sink are loaded when
the first record is written: for most functions the first invocation's metrics line, after its
response is posted. lambdaflow's modules log through `logger` here, which stands for loguru's
logger until then and is loguru's own bound methods after (no lookup cost per record).
`from lambdaflow import logger` is loguru's logger itself: importing it loads loguru then.

The stdlib `logging` bridge (`stdlib_bridge`) is installed when `logging` is imported, by
whoever imports it first: the function, a library, loguru. Until then the runtime does not import
`logging` (with `string` and `atexit`: 2.1 ms of CPU to the first response, paired medians
of 41 spawns): nothing of lambdaflow's needs it.
"""

from __future__ import annotations

import os
import sys
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


class InvocationIds(Protocol):
    """The ids an invocation's records are stamped with: its `Context` has them."""

    aws_request_id: str | None
    tenant_id: str | None
    trace_id: str | None


class _RequestIdOnly:
    """The ids known before the Context is built (and when none is: all None)."""

    __slots__ = ("aws_request_id",)
    tenant_id = None
    trace_id = None

    def __init__(self, request_id: str | None) -> None:
        self.aws_request_id = request_id


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
        return _current.get().aws_request_id

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


def start() -> None:
    """The runtime is starting: route stdlib logging once it is imported, load loguru at the
    first record."""
    runtime.started = True
    if "logging" in sys.modules:
        _install_bridge()
    else:
        sys.meta_path.insert(0, _BridgeOnLoggingImport())


def _install_bridge() -> None:
    from . import stdlib_bridge

    stdlib_bridge.install(threshold_from_env())


class _BridgeOnLoggingImport:
    """A meta path finder that finds nothing itself: it watches for `logging`, and has the
    bridge installed as soon as that module has run (then steps aside), so no record is
    emitted before the bridge is in place."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(name, path, target) if find_spec is not None else None
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _ThenInstallBridge(spec.loader)
                return spec
        return None


class _ThenInstallBridge:
    """`logging`'s own loader, which installs the bridge once the module has run."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        _install_bridge()

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename, ...: the loader's
        return getattr(self._loader, name)
