"""The internal extension that makes Lambda send SIGTERM, so `@app.shutdown` hooks can run.

Lambda SIGKILLs a runtime at shutdown unless some extension is registered; then it sends SIGTERM
and allows ~500 ms. So when an App has shutdown hooks, lambdaflow registers itself as an internal
extension (no events) and keeps its `event/next` call open in a daemon thread for the life of
the process, on a connection of its own: that call never returns while the environment lives.
"""

from __future__ import annotations

import threading

from .logging import logger
from .runtime_api import RuntimeApiClient, connection_pool

EXTENSION_NAME = "lambdaflow"
EVENT_NEXT_PATH = "/2020-01-01/extension/event/next"


def register_for_shutdown(client: RuntimeApiClient) -> bool:
    """Register and park `event/next`; on refusal, warn once and let the function run on."""
    reply = client.register_extension(EXTENSION_NAME)
    identifier = reply.headers.get(b"lambda-extension-identifier")
    if reply.status != 200 or not identifier:
        logger.warning(
            "extension.not_registered",
            status=reply.status,
            consequence="Lambda will SIGKILL this runtime at shutdown: @app.shutdown hooks "
            "will not run",
        )
        return False
    threading.Thread(
        target=_wait_for_events,
        args=(client.address, identifier.decode("latin-1")),
        name="lambdaflow-extension",
        daemon=True,
    ).start()
    return True


def _wait_for_events(address: str, identifier: str) -> None:
    try:
        response = connection_pool(address).urlopen(
            "GET", EVENT_NEXT_PATH, headers={"Lambda-Extension-Identifier": identifier}
        )
    except Exception as exc:
        logger.warning("extension.event_wait_failed", problem=f"{type(exc).__name__}: {exc}")
        return
    if response.status != 200:
        logger.warning("extension.event_wait_failed", problem=f"HTTP {response.status}")
    # Otherwise the event is SHUTDOWN: the SIGTERM that comes with it drives the shutdown.
