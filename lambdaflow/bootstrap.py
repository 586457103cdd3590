"""Start-up: load the App, run cold_start, report init errors, go through a SnapStart snapshot
and restore when Lambda asks for one (`snapstart`), then hand over to the loop."""

from __future__ import annotations

from typing import Any

from . import runtime_log, snapstart
from .app import App, Plan, describe
from .concurrency import is_worker, max_concurrency, serve_in_slots
from .errors import (
    InitError,
    RegistrationError,
    describe_exception,
    exception_payload,
    log_fields,
)
from .extension import register_for_shutdown
from .lifecycle import Lifecycle
from .loader import load_app
from .loop import InvocationLoop
from .requests import InitError as InitErrorRequest
from .requests import RestoreError as RestoreErrorRequest
from .runtime_log import logger
from .transport import RuntimeApiGone, RuntimeApiUnavailable, Transport


def run(target: str, address: str) -> int:
    """Serve the App at `target` until signalled (then exit 0); return 1 when it cannot."""
    runtime_log.start()
    try:
        return _serve(target, Transport(address))
    except RuntimeApiUnavailable as exc:
        logger.critical("runtime.exit", reason=str(exc))
        return 1


def _serve(target: str, transport: Transport) -> int:
    try:
        plan = _initialise(target)
    except InitError as exc:
        return _report_init_error(transport, exc)
    if snapstart.enabled():  # before anything that holds a connection across the snapshot
        failed = _snapshot_and_restore(plan, transport)
        if failed:
            return failed
    concurrency = max_concurrency()
    if concurrency > 1 and not plan.async_handler:
        from .workers import serve_in_workers  # loaded only where it serves

        serve_in_workers(plan, target, transport, concurrency)
    if is_worker():  # spawned by a supervisor (`workers`), which registered the extension
        from .workers import die_with_supervisor

        die_with_supervisor()
    elif plan.shutdown:  # after a restore: its parked event/next must not span the snapshot
        register_for_shutdown(transport.connection)
    lifecycle = Lifecycle(plan.shutdown)
    lifecycle.install_signal_handlers()
    try:
        if concurrency > 1:
            serve_in_slots(plan, transport, lifecycle, concurrency)
        else:
            InvocationLoop(plan, transport, lifecycle).serve_until_signalled()
    except RuntimeApiGone as exc:
        # Not Lambda (which signals first): the RIE or SAM CLI stopped without a signal.
        lifecycle.shut_down(reason=f"the Runtime API went away ({exc})")
    lifecycle.shut_down()


def _initialise(target: str) -> Plan:
    """Load and check the App and run its cold_start hooks; any failure is an InitError."""
    return initialise(load_app(target))


def initialise(app: App) -> Plan:
    """Check the App and run its cold_start hooks; any failure is an InitError."""
    try:
        plan = app.plan()
    except RegistrationError as exc:
        raise InitError("Runtime.HandlerNotFound", str(exc)) from exc
    for hook in plan.cold_start:
        try:
            hook()
        except BaseException as exc:  # SystemExit too: it must not skip the init error
            raise InitError(
                type(exc).__name__,
                f"cold_start hook {describe(hook)} failed: {describe_exception(exc)}",
            ) from exc
    return plan


def _snapshot_and_restore(plan: Plan, transport: Transport) -> int | None:
    """SnapStart's hooks around the snapshot; the exit status if one failed (after reporting)."""
    try:
        snapstart.run_before_snapshot(plan)
    except InitError as exc:
        _report_init_error(transport, exc)
        return snapstart.EXIT_BEFORE_SNAPSHOT_FAILED
    snapstart.preload()
    snapstart.wait_for_restore(transport)
    try:
        snapstart.run_after_restore(plan, transport)
    except snapstart.AfterRestoreFailed as exc:
        payload = exception_payload(exc)
        logger.error("restore.error", **log_fields(payload))
        transport.post(RestoreErrorRequest(payload))
        return snapstart.EXIT_AFTER_RESTORE_FAILED
    return None


def _report_init_error(transport: Transport, exc: InitError) -> int:
    transport.post(InitErrorRequest(init_error_payload(exc)))
    return 1


def init_error_payload(exc: InitError) -> dict[str, Any]:
    """The /init/error body for `exc`, logged as `init.error`."""
    payload = exception_payload(exc)
    logger.error("init.error", **log_fields(payload))
    return payload
