"""lambdaflow's own logging, without loguru unless something else needs it.

lambdaflow's modules log through `logger` here. In the runtime its records (the metrics line
among them) are written as the sink's lines directly (`log_line`) while loguru would do nothing
else with them, so a function that does not log never loads loguru (with the asyncio and
multiprocessing modules it imports: ~40 ms of CPU and ~8 MiB resident). Otherwise (outside the
runtime, a handler added to loguru, ...) they go through loguru, loaded at the first such record.
`from lambdaflow import logger` is loguru's logger with the same fast path (`log_sink`).

The stdlib `logging` bridge (`stdlib_bridge`) is installed when `logging` is imported, by
whoever imports it first: the function, a library, loguru. Until then the runtime does not import
`logging` (with `string` and `atexit`: 2.1 ms of CPU to the first response, paired medians
of 41 spawns): nothing of lambdaflow's needs it.
"""

from __future__ import annotations

import sys

from ..settings import settings
from .log_line import direct, emit
from .log_state import runtime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def load() -> Any:
    """loguru's logger, with lambdaflow's sink installed if this process is the runtime."""
    from . import log_sink as sink

    return sink.logger


class _RuntimeLogger:
    """lambdaflow's records: written directly when they may be (`log_line.direct`), through
    loguru's logger otherwise; anything else (`opt`, `bind`) is loguru's, loaded then."""

    def __getattr__(self, name: str) -> Any:
        value = getattr(load(), name)
        setattr(self, name, value)  # later uses find it here, without __getattr__
        return value


def _level_method(level: str) -> Any:
    def log(self: _RuntimeLogger, message: str, *args: Any, **kwargs: Any) -> None:
        if direct():
            emit(level, message, args, kwargs)
        else:  # the record names the caller, as loguru's own methods do
            load().opt(depth=1).log(level, message, *args, **kwargs)

    log.__name__ = log.__qualname__ = level.lower()
    return log


for _level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    setattr(_RuntimeLogger, _level.lower(), _level_method(_level))

logger: Any = _RuntimeLogger()


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

    stdlib_bridge.install(settings.log_threshold)


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
