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
from typing import Any

import ujson

from ..settings import settings
from .log_state import current_ids, current_invocation, runtime
from .metrics_record import EMF_FIELD, SINK_KEYS, USER_EMF_FIELD, EmfMember


def _import_loguru() -> Any:
    """loguru's logger; in the runtime, without the stderr handler loguru adds at import:
    lambdaflow replaces it at once, and building it costs ~4 ms (loguru scans every sysconfig
    scheme). `LOGURU_AUTOINIT` is loguru's documented switch for that."""
    if "loguru" in sys.modules or "LOGURU_AUTOINIT" in os.environ or not runtime.started:
        from loguru import logger as loguru_logger

        return loguru_logger
    os.environ["LOGURU_AUTOINIT"] = "False"
    try:
        from loguru import logger as loguru_logger
    finally:
        del os.environ["LOGURU_AUTOINIT"]  # the function's own subprocesses keep the default
    return loguru_logger


logger = _import_loguru()

__all__ = ["configure", "current_invocation", "logger"]

#: Lambda's names for loguru's levels (Lambda filters on TRACE/DEBUG/INFO/WARN/ERROR/FATAL).
_LAMBDA_LEVEL = {"WARNING": "WARN", "CRITICAL": "FATAL", "SUCCESS": "INFO"}
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
    level = record["level"].name
    invocation = current_ids()
    entry = {
        "timestamp": _timestamp(record["time"]),
        "level": _LAMBDA_LEVEL.get(level, level),
        "message": record["message"],
        "request_id": invocation.aws_request_id,
        "function_name": function_name,
    }
    if invocation.tenant_id is not None:
        entry["tenant_id"] = invocation.tenant_id
    if invocation.trace_id is not None:
        entry["xray_trace_id"] = invocation.trace_id
    extra = record["extra"]
    if EMF_FIELD in extra and extra[EMF_FIELD].__class__ is not EmfMember:
        extra = {USER_EMF_FIELD if key == EMF_FIELD else key: value for key, value in extra.items()}
    if extra.keys().isdisjoint(SINK_KEYS):
        entry.update(extra)
    else:  # bind(level=...) must not change what Lambda filters on
        entry = {**extra, **entry}
    exception = _exception_fields(record)
    if exception is not None:
        entry["exception"] = exception
    return entry


def _json_sink(function_name: str) -> Callable[[Any], None]:
    def write(message: Any) -> None:
        entry = json_entry(message.record, function_name)
        stdout = sys.stdout
        # ASCII-escaped: a message holding undecodable bytes (surrogates) must still be a
        # valid UTF-8 JSON line, whatever error handler stdout has
        stdout.write(ujson.dumps(entry, escape_forward_slashes=False, default=repr) + "\n")
        stdout.flush()

    return write


#: Control characters (tab and newline among them, and the C1 set: NEL, CSI) and the Unicode
#: line and paragraph separators as escapes: a value holding a peer's bytes must not start a
#: line, or a field, of its own in the TEXT format, nor steer a terminal. A lone surrogate is
#: escaped too: it cannot be written as UTF-8, and the record would be lost.
_TEXT_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))} | {
    code: f"\\u{code:04x}" for code in (0x2028, 0x2029, *range(0xD800, 0xE000))
}


def _text(value: object) -> str:
    return str(value).translate(_TEXT_ESCAPES)


#: A traceback is lines: its own newlines stay, every other control character is escaped.
_STACK_ESCAPES = {code: text for code, text in _TEXT_ESCAPES.items() if code != 0x0A}


def _text_stack(exc: BaseException, stack: list[str]) -> str:
    """The traceback in the TEXT format. An exception's message (and note) may hold a caller's
    bytes: its newlines are escaped too, so it cannot start a line that reads as a record."""
    text = "".join(stack)
    for message in _messages(exc):
        text = text.replace(message, message.replace("\n", "\\x0a"))
    return text.translate(_STACK_ESCAPES)


def _messages(exc: BaseException) -> set[str]:
    """The multi-line messages and notes of an exception and of those it chains or groups."""
    found, seen, pending = set(), set(), [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        try:
            texts = [str(current), *(getattr(current, "__notes__", None) or ())]
        except Exception:  # an exception that cannot describe itself prints no message
            texts = []
        found.update(text for text in texts if isinstance(text, str) and "\n" in text)
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        pending.extend(getattr(current, "exceptions", None) or ())
    return found


def _text_sink(message: Any) -> None:
    record = message.record
    level = record["level"].name
    fields = "".join(f"\t{_text(key)}={_text(value)}" for key, value in record["extra"].items())
    line = (
        f"[{_LAMBDA_LEVEL.get(level, level)}]\t{_timestamp(record['time'])}\t"
        f"{_text(current_ids().aws_request_id or '')}\t{_text(record['message'])}{fields}\n"
    )
    exception = _exception_fields(record)
    if exception is not None:
        line += _text_stack(record["exception"].value, exception["stack"])
    stdout = sys.stdout
    stdout.write(line)
    stdout.flush()


def configure(function_name: str | None = None) -> None:
    """Install the sink, from Lambda's env (`AWS_LAMBDA_LOG_FORMAT`/`_LEVEL`).

    Not done at import outside the runtime, so importing lambdaflow (in a test, a script)
    leaves loguru alone; in the runtime it is done when this module is first imported.
    """
    threshold = settings.log_threshold
    text = settings.text_logs
    name = function_name or settings.function_name
    logger.remove()
    sink = _text_sink if text else _json_sink(name)
    logger.add(sink, level=threshold, format="{message}", backtrace=False, diagnose=False)


if runtime.started:
    configure()
