"""The internal extension that makes Lambda send SIGTERM, so `@app.shutdown` hooks can run.

Lambda SIGKILLs a runtime at shutdown unless some extension is registered; then it sends SIGTERM
and allows ~500 ms. So when an App has shutdown hooks, lambdaflow registers itself as an internal
extension (no events) and keeps its `event/next` call open in a daemon thread for the life of
the process, on a connection of its own: that call never returns while the environment lives.
Both Extensions API calls go through `api_requests` and `connection`, as the Runtime API's do.
"""

from __future__ import annotations

from ..observability.runtime_log import logger
from .api_requests import ExtensionNextRequest, ExtensionRegisterRequest
from .connection import Connection
from .verdicts import verdict_of

EXTENSION_NAME = "lambdaflow"
_IDENTIFIER = b"lambda-extension-identifier"


def register_for_shutdown(connection: Connection) -> bool:
    """Register and park `event/next`; on refusal, warn once and let the function run on."""
    reply = connection.call(ExtensionRegisterRequest(EXTENSION_NAME))
    verdict = verdict_of(reply)
    problem = None
    if not verdict.accepted:
        problem = f"HTTP {verdict.describe()}"
    else:
        try:
            event_next = ExtensionNextRequest(reply.headers.get(_IDENTIFIER, b""))
        except ValueError as exc:
            problem = str(exc)
    if problem is not None:
        logger.warning(
            "extension.not_registered",
            status=verdict.status,
            problem=problem,
            consequence="Lambda will SIGKILL this runtime at shutdown: @app.shutdown hooks "
            "will not run",
        )
        return False
    import threading  # only for a function with shutdown hooks

    threading.Thread(
        target=_wait_for_events,
        args=(connection.address, event_next),
        name="lambdaflow-extension",
        daemon=True,
    ).start()
    return True


def _wait_for_events(address: str, event_next: ExtensionNextRequest) -> None:
    # One attempt: a lost parked call is logged, not retried (its retries would be noise
    # beside the invocation loop's, and Lambda only ever ends it with SHUTDOWN).
    connection = Connection(address, attempts=1)
    try:
        verdict = verdict_of(connection.call(event_next))
    except Exception as exc:
        # The Runtime API went away (the RIE or SAM CLI stopped): the loop sees it too, and
        # ends the process (`RuntimeApiGone`); nothing to warn about here.
        logger.debug("extension.event_wait_failed", problem=f"{type(exc).__name__}: {exc}")
        return
    if not verdict.accepted:
        logger.warning("extension.event_wait_failed", problem=f"HTTP {verdict.describe()}")
    # Otherwise the event is SHUTDOWN: the SIGTERM that comes with it drives the shutdown.
