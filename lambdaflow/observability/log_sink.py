"""Structured logs: one loguru sink that writes what Lambda's log pipeline understands.

With `AWS_LAMBDA_LOG_FORMAT=JSON` (the default here) every record is one JSON object per line
with `timestamp` (RFC 3339, UTC) and a `level` Lambda recognises, so Lambda's own log-level
filtering and CloudWatch Logs Insights work on it. `TEXT` gives Lambda's tab-separated line.
The stdlib `logging` module is routed through the same sink, so libraries' records look alike.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable

from . import log_line
from .log_line import direct, emit
from .log_state import current_invocation, runtime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _import_loguru() -> Any:
    """loguru's logger; in the runtime, without the stderr handler loguru adds at import:
    lambdaflow replaces it at once, and building it costs ~4 ms (loguru scans every sysconfig
    scheme). `LOGURU_AUTOINIT` is loguru's documented switch for that."""
    if "loguru" in sys.modules or "LOGURU_AUTOINIT" in os.environ or not runtime.started:
        from loguru import logger as front

        return front
    os.environ["LOGURU_AUTOINIT"] = "False"
    try:
        from loguru import logger as loguru_logger
    finally:
        del os.environ["LOGURU_AUTOINIT"]  # the function's own subprocesses keep the default
    return loguru_logger


loguru_logger = _import_loguru()


class _Logger(type(loguru_logger)):  # type: ignore[misc]
    """loguru's logger, whose records skip loguru when it would only hand them to lambdaflow's
    sink (`log_line.direct`): the same line for a fraction of the work. Shares loguru's core, so
    `add`, `remove`, `level`, ... act on loguru's own logger; `bind` keeps the fast path."""

    def bind(__self, **kwargs: Any) -> Any:
        *options, extra = __self._options
        return _Logger(__self._core, *options, {**extra, **kwargs})


def _level_method(level: str) -> Callable[..., None]:
    """`logger.info` and its siblings: loguru's own method, unless the line can go directly."""

    def log(__self: Any, __message: Any, *args: Any, **kwargs: Any) -> None:
        if direct():
            emit(level, __message, args, kwargs, __self._options[-1])
        else:  # the caller's frame is as far up from loguru's _log as from its own methods
            __self._log(level, False, __self._options, __message, args, kwargs)

    log.__name__ = log.__qualname__ = level.lower()
    return log


for _level in ("TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"):
    setattr(_Logger, _level.lower(), _level_method(_level))
logger = _Logger(loguru_logger._core, *loguru_logger._options)

__all__ = ["configure", "current_invocation", "logger"]

_UTC = dt.UTC


def _timestamp(moment: dt.datetime) -> str:
    # isoformat, not strftime: ~4x cheaper, same text ("...T19:34:00.778534+00:00" -> "...Z")
    return moment.astimezone(_UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def _exception_fields(record: dict[str, Any]) -> dict[str, Any] | None:
    exc = record["exception"]
    if exc is None or exc.type is None:
        return None
    return {
        "type": exc.type.__name__,
        "message": str(exc.value),
        "stack": traceback.format_exception(exc.type, exc.value, exc.traceback),
    }


def json_entry(record: dict[str, Any], function_name: str) -> dict[str, Any]:
    """The fields of a loguru record's JSON line; `lambdaflow.testing` captures them as well."""
    return log_line.json_entry(record["level"].name, _timestamp(record["time"]),
                               record["message"], record["extra"], _exception_fields(record),
                               function_name)


def _json_sink(function_name: str) -> Callable[[Any], None]:
    def write(message: Any) -> None:
        log_line.write(log_line.json_line(json_entry(message.record, function_name)))

    return write


def _text_sink(message: Any) -> None:
    record = message.record
    exception = _exception_fields(record)
    log_line.write(log_line.text_line(
        record["level"].name, _timestamp(record["time"]), record["message"], record["extra"],
        exception["stack"] if exception is not None else None,
        record["exception"].value if exception is not None else None,
    ))


def configure(function_name: str | None = None) -> None:
    """Install the sink, from Lambda's env (`AWS_LAMBDA_LOG_FORMAT`/`_LEVEL`).

    Not done at import outside the runtime, so importing lambdaflow (in a test, a script)
    leaves loguru alone; in the runtime it is done when this module is first imported.
    """
    log_line._config = config = log_line._Config(function_name)  # the settings, read once
    logger.remove()
    sink = _text_sink if config.text else _json_sink(config.function_name)
    logger.add(sink, level=config.level, format="{message}", backtrace=False, diagnose=False)
    config.installed(logger._core, sys.modules["loguru._logger"].context)


if runtime.started:
    configure()
