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

import sys
from typing import Any

from ..settings import settings
from .log_state import runtime


def load() -> Any:
    """loguru's logger, with lambdaflow's sink installed if this process is the runtime."""
    from . import log_sink as sink

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
