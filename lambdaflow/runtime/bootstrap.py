"""Start-up: load the App, run cold_start, report init errors, go through a SnapStart snapshot
and restore when Lambda asks for one (`snapstart`), then hand over to the loop."""

from __future__ import annotations

from ..errors import (
    InitError,
    exception_payload,
    log_fields,
)
from ..framework.plan import Plan
from ..observability import runtime_log
from ..observability.runtime_log import logger
from ..runtime_api.client import RuntimeApiGone, RuntimeApiUnavailable, RuntimeClient
from ..settings import settings
from .init import init_error_payload, initialise
from .lifecycle import Lifecycle
from .loader import load_app
from .loop import InvocationLoop


def run(target: str, address: str) -> int:
    """Serve the App at `target` until signalled (then exit 0); return 1 when it cannot."""
    runtime_log.start()
    try:
        return _serve(target, RuntimeClient(address))
    except RuntimeApiUnavailable as exc:
        logger.critical("runtime.exit", reason=str(exc))
        return 1


def _serve(target: str, client: RuntimeClient) -> int:
    try:
        plan = _initialise(target)
    except InitError as exc:
        return _report_init_error(client, exc)
    if settings.snap_start:  # before anything that holds a connection across the snapshot
        failed = _snapshot_and_restore(plan, client)
        if failed:
            return failed
    concurrency = _max_concurrency()
    if concurrency > 1 and not plan.async_handler:
        from .workers import serve_in_workers  # loaded only where it serves

        serve_in_workers(plan, target, client, concurrency)
    if settings.is_worker:  # spawned by a supervisor (`workers`), which registered the extension
        from .workers import die_with_supervisor

        die_with_supervisor()
    elif plan.shutdown:  # after a restore: its parked event/next must not span the snapshot
        client.register_for_shutdown()
    lifecycle = Lifecycle(plan.shutdown)
    lifecycle.install_signal_handlers()
    try:
        if concurrency > 1:
            from .concurrency import serve_in_slots

            serve_in_slots(plan, client, lifecycle, concurrency)
        else:
            InvocationLoop(plan, client, lifecycle).serve_until_signalled()
    except RuntimeApiGone as exc:
        # Not Lambda (which signals first): the RIE or SAM CLI stopped without a signal.
        lifecycle.shut_down(reason=f"the Runtime API went away ({exc})")
    lifecycle.shut_down()


def _max_concurrency() -> int:
    """`concurrency.max_concurrency`, whose module is loaded only when the variable is set."""
    if not settings.max_concurrency:
        return 1
    from .concurrency import max_concurrency

    return max_concurrency()


def _initialise(target: str) -> Plan:
    """Load and check the App and run its cold_start hooks; any failure is an InitError."""
    return initialise(load_app(target))


def _snapshot_and_restore(plan: Plan, client: RuntimeClient) -> int | None:
    """SnapStart's hooks around the snapshot; the exit status if one failed (after reporting)."""
    from . import snapstart  # only under SnapStart
    try:
        snapstart.run_before_snapshot(plan)
    except InitError as exc:
        _report_init_error(client, exc)
        return snapstart.EXIT_BEFORE_SNAPSHOT_FAILED
    snapstart.preload()
    snapstart.wait_for_restore(client)
    try:
        snapstart.run_after_restore(plan, client)
    except snapstart.AfterRestoreFailed as exc:
        payload = exception_payload(exc)
        logger.error("restore.error", **log_fields(payload))
        client.restore_error(payload)
        return snapstart.EXIT_AFTER_RESTORE_FAILED
    return None


def _report_init_error(client: RuntimeClient, exc: InitError) -> int:
    client.init_error(init_error_payload(exc))
    return 1
