"""One record as the line Lambda reads (JSON or TEXT), and writing it without loguru.

The one home of the line's format: loguru's sink (`log_sink`) renders its records with it, and a
record of lambdaflow's own (the metrics line) or of `lambdaflow.logger` is rendered and written
here directly whenever loguru would do nothing else with it: loguru not loaded yet (the runtime's
own records then never load it), or loaded with lambdaflow's sink as its only handler and no
patcher, extra, activation rule or contextualized values. A loguru record costs ~15 us (a frame
walk, a dict of fifteen fields, a datetime, thread and process objects); this path ~3 us.
"""

from __future__ import annotations

import sys
import time
from _thread import allocate_lock
from typing import Any

import ujson

from ..settings import settings
from .log_state import current_ids, runtime
from .metrics_record import SINK_KEYS

#: loguru's level numbers (its levels are fixed: a custom level goes through loguru).
LEVEL_NUMBERS = {
    "TRACE": 5, "DEBUG": 10, "INFO": 20, "SUCCESS": 25, "WARNING": 30, "ERROR": 40,
    "CRITICAL": 50,
}
#: Lambda's names for loguru's levels (Lambda filters on TRACE/DEBUG/INFO/WARN/ERROR/FATAL).
LAMBDA_LEVEL = {"WARNING": "WARN", "CRITICAL": "FATAL", "SUCCESS": "INFO"}
#: One line at a time on stdout, whoever writes it (the sink takes it too).
write_lock = allocate_lock()


class _Config:
    """The sink's settings: from the environment, or as `log_sink.configure` installed them."""

    __slots__ = ("context", "core", "function_name", "handlers", "text", "threshold")

    def __init__(self) -> None:
        self.threshold = LEVEL_NUMBERS[settings.log_threshold]
        self.text = settings.text_logs
        self.function_name = settings.function_name
        #: loguru's handlers dict once the sink is installed (loguru replaces it on any change),
        #: its core and its contextualize() variable.
        self.handlers: Any = None
        self.core: Any = None
        self.context: Any = None

    def installed(self, core: Any, context: Any) -> None:
        """The sink is loguru's only handler now (`log_sink.configure`)."""
        self.core = core
        self.handlers = core.handlers
        self.context = context


_config: _Config | None = None


def config() -> _Config:
    global _config
    if _config is None:
        _config = _Config()
    return _config


def direct() -> bool:
    """Whether a record may be written here: it would come out of loguru the same."""
    settings_now = _config or config()
    core = settings_now.core
    if core is None:  # the sink is not installed: only the runtime, before loguru, may
        return runtime.started and "loguru" not in sys.modules
    return (
        core.handlers is settings_now.handlers
        and core.patcher is None
        and not core.extra
        and not core.activation_list
        and not settings_now.context.get()
    )


_seconds = -1
_prefix = ""


def timestamp(ns: int) -> str:
    """RFC 3339, UTC, microseconds: `2026-12-06T17:40:01.123456Z` (the date part cached)."""
    global _seconds, _prefix
    seconds, rest = divmod(ns, 1_000_000_000)
    if seconds != _seconds:
        _prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        _seconds = seconds
    return f"{_prefix}.{rest // 1000:06d}Z"


def json_entry(level: str, stamp: str, message: str, extra: dict[str, Any],
               exception: dict[str, Any] | None, function_name: str) -> dict[str, Any]:
    """The fields of a JSON line, in their order."""
    invocation = current_ids()
    entry = {
        "timestamp": stamp,
        "level": LAMBDA_LEVEL.get(level, level),
        "message": message,
        "request_id": invocation.request_id,
        "function_name": function_name,
    }
    if invocation.tenant_id is not None:
        entry["tenant_id"] = invocation.tenant_id
    if invocation.trace_id is not None:
        entry["xray_trace_id"] = invocation.trace_id
    if extra.keys().isdisjoint(SINK_KEYS):
        entry.update(extra)
    else:  # bind(level=...) must not change what Lambda filters on
        entry = {**extra, **entry}
    if exception is not None:
        entry["exception"] = exception
    return entry


def json_line(entry: dict[str, Any]) -> str:
    # ASCII-escaped: a message holding undecodable bytes (surrogates) must still be a
    # valid UTF-8 JSON line, whatever error handler stdout has
    return ujson.dumps(entry, escape_forward_slashes=False, default=repr) + "\n"


#: Control characters (tab and newline among them) as escapes: a value holding a peer's bytes
#: must not start a line, or a field, of its own in the TEXT format.
_TEXT_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}


def _text(value: object) -> str:
    return str(value).translate(_TEXT_ESCAPES)


def text_line(level: str, stamp: str, message: str, extra: dict[str, Any],
              stack: list[str] | None) -> str:
    fields = "".join(f"\t{_text(key)}={_text(value)}" for key, value in extra.items())
    line = (
        f"[{LAMBDA_LEVEL.get(level, level)}]\t{stamp}\t"
        f"{_text(current_ids().request_id or '')}\t{_text(message)}{fields}\n"
    )
    return line + "".join(stack) if stack else line


def write(line: str) -> None:
    with write_lock:
        stdout = sys.stdout
        stdout.write(line)
        stdout.flush()


def _report(exc: Exception) -> None:
    """A line that could not be written: said on stderr and swallowed, as loguru's handlers do."""
    import traceback

    sys.stderr.write("--- Logging error in lambdaflow's log line ---\n"
                     + "".join(traceback.format_exception(exc)) + "--- End of logging error ---\n")


_dumps = ujson.dumps
_time_ns = time.time_ns


def emit(level: str, message: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
         bound: dict[str, Any] | None = None) -> None:
    """Write a record as loguru and the sink would (`direct()` said so): the message formatted
    with the arguments as loguru formats it, the keyword arguments as fields.

    One function on purpose: this is every log call's whole cost (bar: <= 5 us, bench log-call).
    """
    stamp_ns = _time_ns()
    settings_now = _config or config()
    if LEVEL_NUMBERS[level] < settings_now.threshold:
        return
    extra = {**bound, **kwargs} if bound else kwargs
    message = message.format(*args, **kwargs) if args or kwargs else str(message)
    stamp = timestamp(stamp_ns)
    if settings_now.text:
        line = text_line(level, stamp, message, extra, None)
    else:
        ids = current_ids()
        if ids.tenant_id is None and ids.trace_id is None and extra.keys().isdisjoint(SINK_KEYS):
            entry = {"timestamp": stamp, "level": LAMBDA_LEVEL.get(level, level),
                     "message": message, "request_id": ids.request_id,
                     "function_name": settings_now.function_name, **extra}
        else:
            entry = json_entry(level, stamp, message, extra, None, settings_now.function_name)
        line = _dumps(entry, escape_forward_slashes=False, default=repr) + "\n"
    try:
        with write_lock:
            stdout = sys.stdout
            stdout.write(line)
            stdout.flush()
    except Exception as exc:
        _report(exc)
