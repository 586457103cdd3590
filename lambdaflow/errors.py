"""Error payloads for the Runtime API: what Lambda shows the caller when an invocation fails.

Lambda expects `{"errorMessage", "errorType", "stackTrace"}` and a
`Lambda-Runtime-Function-Error-Type` header matching `(Runtime|Function).Name`; anything else is
recorded as `Runtime.Unknown`, so every error lambdaflow posts goes through this module.
"""

from __future__ import annotations

import os
from types import TracebackType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class RegistrationError(TypeError):
    """A function cannot be registered on an App as written (raised at decoration time)."""


class LambdaflowError(Exception):
    """A failure lambdaflow detects itself; `error_type` is what Lambda records for it."""

    error_type = "Runtime.Unknown"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnmarshalError(LambdaflowError):
    """The event is not valid JSON, or not of the handler's input type."""

    error_type = "Runtime.UnmarshalError"


class MarshalError(LambdaflowError):
    """The handler's result cannot be serialized to JSON."""

    error_type = "Runtime.MarshalError"


class ResponseSizeTooLarge(LambdaflowError):
    """The serialized result exceeds Lambda's synchronous response limit."""

    error_type = "Function.ResponseSizeTooLarge"


class UnreadableEvent(LambdaflowError):
    """/next handed over an event that could not be read whole (a broken or unframeable reply)."""

    error_type = "Runtime.UnreadableEvent"


class InitError(LambdaflowError):
    """The function could not be loaded or initialised; posted to /runtime/init/error."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def header_error_type(error_type: str) -> str:
    """Return a `Lambda-Runtime-Function-Error-Type` value Lambda accepts for `error_type`.

    `Function.ValueError` for a user exception name; names with digits or underscores lose them,
    since Lambda's pattern allows letters only.
    """
    prefix, _, name = error_type.rpartition(".")
    letters = "".join(c for c in name if c in _ASCII_LETTERS)
    valid = prefix in ("Runtime", "Function") and letters == name and name[:1].isupper()
    if valid and len(name) >= 2:
        return error_type
    if len(letters) < 2:  # the pattern wants an upper-case letter and at least one more
        return "Function.Unhandled"
    return "Function." + letters[0].upper() + letters[1:]


def user_stack_trace(tb: TracebackType | None) -> list[str]:
    """Format a traceback without lambdaflow's own frames: the user cares about their code."""
    import traceback  # the error path only (with textwrap: ~1 ms before a first response)

    frames = [
        frame
        for frame in traceback.extract_tb(tb)
        if not frame.filename.startswith((_PACKAGE_DIR, "<frozen "))
    ]
    return traceback.format_list(frames)


def exception_payload(exc: BaseException) -> dict[str, Any]:
    """Build the Runtime API error body for an exception.

    lambdaflow's own errors carry their `Runtime.*` type, and the stack of the user exception
    that caused them (`raise ... from exc`); anything else is a user exception, typed by its name.
    """
    if isinstance(exc, LambdaflowError):
        cause = exc.__cause__
        stack = user_stack_trace(cause.__traceback__) if cause is not None else []
        return {"errorMessage": exc.message, "errorType": exc.error_type, "stackTrace": stack}
    return {
        "errorMessage": describe_exception(exc),
        "errorType": type(exc).__name__,
        "stackTrace": user_stack_trace(exc.__traceback__),
    }


def log_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """An error payload as fields of a log record (it never holds the event itself)."""
    return {
        "error_type": payload["errorType"],
        "error_message": payload["errorMessage"],
        "stack_trace": payload["stackTrace"],
    }


def describe_exception(exc: BaseException) -> str:
    """`str(exc)`, unless the exception cannot even describe itself (its __str__ raises)."""
    try:
        return str(exc)
    except Exception:
        return f"<unprintable {type(exc).__name__}>"


#: The X-Ray error cause header's limit (Lambda drops a larger one).
XRAY_CAUSE_LIMIT = 64 * 1024
#: A message longer than this is cut first when the cause is over the limit.
_XRAY_MESSAGE_CUT = 1024


def xray_error_cause(exc: BaseException, payload: dict[str, Any]) -> bytes:
    """`Lambda-Runtime-Function-XRay-Error-Cause` for a failed invocation: ASCII JSON (safe in
    a header as it is), at most XRAY_CAUSE_LIMIT bytes; trimmed to fit, never dropped whole.

    The stack is the user's frames of the exception behind the error (as `stackTrace` shows).
    """
    import traceback

    import ujson  # the error path only

    source = exc.__cause__ if isinstance(exc, LambdaflowError) else exc
    tb = source.__traceback__ if source is not None else None
    stack = [
        {"label": frame.name, "path": frame.filename, "line": frame.lineno}
        for frame in traceback.extract_tb(tb)
        if not frame.filename.startswith((_PACKAGE_DIR, "<frozen "))
    ]
    message = payload["errorMessage"]
    error_type = payload["errorType"]
    working_directory = os.getcwd()
    while True:
        cause = {
            "working_directory": working_directory,
            "exceptions": [{"message": message, "type": error_type, "stack": stack}],
            "paths": sorted({frame["path"] for frame in stack}),
        }
        rendered = ujson.dumps(cause, escape_forward_slashes=False).encode()
        if len(rendered) <= XRAY_CAUSE_LIMIT:
            return rendered
        if len(message) > _XRAY_MESSAGE_CUT:
            message = message[:_XRAY_MESSAGE_CUT] + "...(truncated)"
        elif stack:
            stack = stack[: len(stack) // 2]  # the outermost frames stay
        else:  # what is left is too long on its own: a directory or type name of ~64 KiB
            working_directory = working_directory[:_XRAY_MESSAGE_CUT]
            error_type = error_type[:_XRAY_MESSAGE_CUT]
