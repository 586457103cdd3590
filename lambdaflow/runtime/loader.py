"""Finding the user's App: `module:attribute` -> App, with Lambda's init error types."""

from __future__ import annotations

import importlib
import sys

from ..errors import InitError, describe_exception
from ..framework.app import App
from ..settings import settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def parse_target(target: str) -> tuple[str, str]:
    """`examples.echo.app:app` -> (module, attribute); `module` alone means attribute `app`."""
    module, _, attribute = target.partition(":")
    attribute = attribute or "app"
    modules_ok = bool(module) and all(part.isidentifier() for part in module.split("."))
    if not modules_ok or not attribute.isidentifier():
        raise InitError(
            "Runtime.HandlerNotFound", f"not a handler reference: {target!r} (module[:attribute])"
        )
    return module, attribute


def load_app(target: str) -> App:
    """Import the user's module from LAMBDA_TASK_ROOT (or the current directory).

    Failures become InitError with the error types Lambda's own Python runtime uses, so
    dashboards and alarms keyed on them keep working.
    """
    module_name, attribute = parse_target(target)
    task_root = settings.task_root
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as exc:
        raise InitError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}"
        ) from exc
    except ModuleNotFoundError as exc:
        raise InitError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
        ) from exc
    except BaseException as exc:  # SystemExit at import time must not skip the init error
        raise InitError(
            "Runtime.ImportModuleError",
            f"Unable to import module '{module_name}': {type(exc).__name__}: "
            + describe_exception(exc),
        ) from exc
    app: Any = getattr(module, attribute, None)
    if app is None:
        raise InitError(
            "Runtime.HandlerNotFound", f"Module '{module_name}' has no attribute '{attribute}'"
        )
    if not isinstance(app, App):
        raise InitError(
            "Runtime.HandlerNotFound",
            f"'{module_name}.{attribute}' is a {type(app).__name__}, not a lambdaflow App",
        )
    return app
