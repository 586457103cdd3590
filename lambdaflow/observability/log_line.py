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

import ujson

from ..settings import settings
from .log_state import current_ids, runtime
from .metrics_record import EMF_FIELD, SINK_KEYS, USER_EMF_FIELD, EmfMember

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

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

    __slots__ = ("context", "core", "function_name", "handlers", "level", "text", "threshold")

    def __init__(self, function_name: str | None = None) -> None:
        #: loguru's name of the threshold, and its number (what `emit` compares with).
        self.level = settings.log_threshold
        self.threshold = LEVEL_NUMBERS[self.level]
        self.text = settings.text_logs
        self.function_name = function_name or settings.function_name
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
        "request_id": invocation.aws_request_id,
        "function_name": function_name,
    }
    if invocation.tenant_id is not None:
        entry["tenant_id"] = invocation.tenant_id
    if invocation.trace_id is not None:
        entry["xray_trace_id"] = invocation.trace_id
    if EMF_FIELD in extra and extra[EMF_FIELD].__class__ is not EmfMember:
        extra = {USER_EMF_FIELD if key == EMF_FIELD else key: value for key, value in extra.items()}
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


class _Escapes:
    """The TEXT format's escape tables, built at the first TEXT line (about 1 ms: 2,048
    surrogates), so that a function logging JSON, the default, never pays for them.

    `text`: control characters (tab and newline among them, and the C1 set: NEL, CSI) and the
    Unicode line and paragraph separators as escapes: a value holding a peer's bytes must not
    start a line, or a field, of its own in the TEXT format, nor steer a terminal. A lone
    surrogate is escaped too: it cannot be written as UTF-8, and the record would be lost.
    `stack`: the same but for newlines, which a traceback is made of.
    """

    text: dict[int, str] | None = None
    stack: dict[int, str] | None = None

    @classmethod
    def build(cls) -> dict[int, str]:
        if cls.text is None:
            controls = (*range(0x20), *range(0x7F, 0xA0))
            text = {code: f"\\x{code:02x}" for code in controls}
            separators_and_surrogates = (0x2028, 0x2029, *range(0xD800, 0xE000))
            text.update((code, f"\\u{code:04x}") for code in separators_and_surrogates)
            cls.stack = {code: escape for code, escape in text.items() if code != 0x0A}
            cls.text = text
        return cls.text


def _text(value: object) -> str:
    return str(value).translate(_Escapes.text or _Escapes.build())


def _text_stack(exc: BaseException, stack: list[str]) -> str:
    """The traceback in the TEXT format. An exception's message (and note) may hold a caller's
    bytes: its newlines are escaped too, so it cannot start a line that reads as a record."""
    text = "".join(stack)
    for message in _messages(exc):
        text = text.replace(message, message.replace("\n", "\\x0a"))
    _Escapes.build()
    return text.translate(_Escapes.stack)


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


def text_line(level: str, stamp: str, message: str, extra: dict[str, Any],
              stack: list[str] | None = None, exc: BaseException | None = None) -> str:
    fields = "".join(f"\t{_text(key)}={_text(value)}" for key, value in extra.items())
    line = (
        f"[{LAMBDA_LEVEL.get(level, level)}]\t{stamp}\t"
        f"{_text(current_ids().aws_request_id or '')}\t{_text(message)}{fields}\n"
    )
    if not stack:
        return line
    return line + (_text_stack(exc, stack) if exc is not None else "".join(stack))


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
        plain = ids.tenant_id is None and ids.trace_id is None and EMF_FIELD not in extra
        if plain and extra.keys().isdisjoint(SINK_KEYS):
            entry = {"timestamp": stamp, "level": LAMBDA_LEVEL.get(level, level),
                     "message": message, "request_id": ids.aws_request_id,
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
