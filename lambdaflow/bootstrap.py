"""Start-up: load the App, run cold_start, report init errors, then hand over to the loop."""

from __future__ import annotations

import ujson

from . import logging as lambdaflow_logging
from .app import Plan, describe
from .errors import InitError, RegistrationError, exception_payload, header_error_type
from .loader import load_app
from .logging import logger
from .loop import InvocationLoop
from .runtime_api import RuntimeApiClient, RuntimeApiUnavailable


def run(target: str, address: str) -> int:
    """Serve the App at `target` until the process is stopped; return an exit code on failure."""
    lambdaflow_logging.configure()
    client = RuntimeApiClient(address)
    try:
        loop = InvocationLoop(_initialise(target), client)
    except InitError as exc:
        return _report_init_error(client, exc)
    try:
        loop.serve_forever()
    except RuntimeApiUnavailable as exc:
        logger.critical("runtime.exit", reason=str(exc))
        return 1
    return 0


def _initialise(target: str) -> Plan:
    """Load and check the App and run its cold_start hooks; any failure is an InitError."""
    try:
        app = load_app(target)
        plan = app.plan()
    except (RegistrationError, ValueError) as exc:
        raise InitError("Runtime.HandlerNotFound", str(exc)) from exc
    for hook in plan.cold_start:
        try:
            hook()
        except Exception as exc:
            raise InitError(
                type(exc).__name__, f"cold_start hook {describe(hook)} failed: {exc}"
            ) from exc
    return plan


def _report_init_error(client: RuntimeApiClient, exc: InitError) -> int:
    payload = exception_payload(exc)
    logger.error(
        "init.error",
        error_type=payload["errorType"],
        error_message=payload["errorMessage"],
        stack_trace=payload["stackTrace"],
    )
    body = ujson.dumps(payload, ensure_ascii=False).encode()
    try:
        client.init_error(body, header_error_type(payload["errorType"]))
    except RuntimeApiUnavailable as post_failure:
        logger.critical("init.error_not_reported", reason=str(post_failure))
    return 1
