"""Init: check the App, run its cold_start hooks, and say what failed the way Lambda reports it.

Apart from `bootstrap` (which talks to the Runtime API) so that the in-process test client runs
exactly the same init without loading the socket client. `run_hooks` is the one runner of the
hooks whose failure fails a phase: cold_start here, before_snapshot and after_restore in
`snapstart` (shutdown hooks are different: each is time-boxed and a failure only logged, see
`lifecycle`).
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import (
    InitError,
    LambdaflowError,
    RegistrationError,
    describe_exception,
    exception_payload,
    log_fields,
)
from ..framework.app import App, describe
from ..framework.plan import Plan
from ..observability.runtime_log import logger

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_hooks(
    hooks: tuple[Callable[[], None], ...],
    role: str,
    error: Callable[[BaseException, str], LambdaflowError],
) -> None:
    """Run `hooks` in order; the first failure raises `error(exc, message)` naming the hook."""
    for hook in hooks:
        try:
            hook()
        except BaseException as exc:  # SystemExit too: it must not skip the error report
            raise error(exc, f"{role} hook {describe(hook)} failed: {describe_exception(exc)}") \
                from exc


def initialise(app: App) -> Plan:
    """Check the App and run its cold_start hooks; any failure is an InitError."""
    try:
        plan = app.plan()
    except RegistrationError as exc:
        raise InitError("Runtime.HandlerNotFound", str(exc)) from exc
    run_hooks(plan.cold_start, "cold_start",
              lambda exc, message: InitError(type(exc).__name__, message))
    return plan


def init_error_payload(exc: InitError) -> dict[str, Any]:
    """The /init/error body for `exc`, logged as `init.error`."""
    payload = exception_payload(exc)
    logger.error("init.error", **log_fields(payload))
    return payload
