"""The internal extension that makes Lambda send SIGTERM, so `@app.shutdown` hooks can run.

Lambda SIGKILLs a runtime at shutdown unless some extension is registered; then it sends SIGTERM
and allows ~500 ms. So when an App has shutdown hooks, lambdaflow registers itself as an internal
extension (no events) and keeps its `event/next` call open in a daemon thread for the life of
the process, on a connection of its own: that call never returns while the environment lives.
Both Extensions API calls go through `requests` and `connection`, as the Runtime API's do.
"""

from __future__ import annotations

import threading

from .connection import Connection
from .requests import ExtensionEventNext, ExtensionRegister
from .runtime_log import logger

EXTENSION_NAME = "lambdaflow"


def register_for_shutdown(connection: Connection) -> bool:
    """Register and park `event/next`; on refusal, warn once and let the function run on."""
    reply = connection.call(ExtensionRegister(EXTENSION_NAME))
    problem = None
    if reply.status != 200:
        problem = f"HTTP {reply.status}"
    else:
        try:
            event_next = ExtensionEventNext(reply.headers.get(b"lambda-extension-identifier", b""))
        except ValueError as exc:
            problem = str(exc)
    if problem is not None:
        logger.warning(
            "extension.not_registered",
            status=reply.status,
            problem=problem,
            consequence="Lambda will SIGKILL this runtime at shutdown: @app.shutdown hooks "
            "will not run",
        )
        return False
    threading.Thread(
        target=_wait_for_events,
        args=(connection.address, event_next),
        name="lambdaflow-extension",
        daemon=True,
    ).start()
    return True


def _wait_for_events(address: str, event_next: ExtensionEventNext) -> None:
    # One attempt: a lost parked call is logged, not retried (its retries would be noise
    # beside the invocation loop's, and Lambda only ever ends it with SHUTDOWN).
    connection = Connection(address, attempts=1)
    try:
        reply = connection.call(event_next)
    except Exception as exc:
        # The Runtime API went away (the RIE or SAM CLI stopped): the loop sees it too, and
        # ends the process (`RuntimeApiGone`); nothing to warn about here.
        logger.debug("extension.event_wait_failed", problem=f"{type(exc).__name__}: {exc}")
        return
    if reply.status != 200:
        logger.warning("extension.event_wait_failed", problem=f"HTTP {reply.status}")
    # Otherwise the event is SHUTDOWN: the SIGTERM that comes with it drives the shutdown.
