"""The Extensions API subset a runtime needs to be told about shutdown.

On Lambda a runtime gets SIGTERM (and ~500 ms) before SIGKILL only if some extension is
registered; runtimes with shutdown hooks therefore register an internal extension and park a
call on ``event/next``. This registry records those registrations for the current runtime
process and answers the parked calls with a SHUTDOWN event when the emulator stops.
"""

from __future__ import annotations

import json
import time
import uuid

from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.http.messages import HttpRequest, HttpResponse
from lambdaflow.emulator.routes import rie_responses

IDENTIFIER_HEADER = "Lambda-Extension-Identifier"


class ExtensionRegistry:
    """Extensions registered by the current runtime process, and their parked event calls."""

    def __init__(self, function_name: str, function_version: str, handler: str) -> None:
        self._info = json.dumps(
            {"functionName": function_name, "functionVersion": function_version, "handler": handler}
        ).encode()
        self._names: dict[str, str] = {}
        self._parked: list[Deferred] = []

    @property
    def any_registered(self) -> bool:
        return bool(self._names)

    def register(self, request: HttpRequest) -> HttpResponse:
        """POST /2020-01-01/extension/register: hand out an identifier."""
        name = request.headers.get("lambda-extension-name", "")
        if not name:
            return HttpResponse(
                400,
                b'{"errorMessage":"Missing Lambda-Extension-Name header",'
                b'"errorType":"Extension.InvalidExtensionName"}\n',
                (rie_responses.JSON,),
            )
        identifier = str(uuid.uuid4())
        self._names[identifier] = name
        return HttpResponse(200, self._info, (rie_responses.JSON, (IDENTIFIER_HEADER, identifier)))

    def next_event(self, request: HttpRequest) -> HttpResponse | Deferred:
        """GET /2020-01-01/extension/event/next: park until shutdown."""
        identifier = request.headers.get(IDENTIFIER_HEADER.lower(), "")
        if identifier not in self._names:
            return rie_responses.unknown_extension(identifier)
        parked = Deferred()
        self._parked.append(parked)
        return parked

    def announce_shutdown(self, grace_s: float) -> None:
        """Answer every parked ``event/next`` with a SHUTDOWN event."""
        deadline_ms = int((time.time() + grace_s) * 1000)
        body = json.dumps(
            {"eventType": "SHUTDOWN", "shutdownReason": "spindown", "deadlineMs": deadline_ms}
        ).encode()
        for parked in self._parked:
            parked.resolve(HttpResponse(200, body, (rie_responses.JSON,)))
        self._parked.clear()

    def forget(self) -> None:
        """The runtime process is gone: its registrations and parked calls go with it."""
        for parked in self._parked:
            parked.cancel()
        self._parked.clear()
        self._names.clear()
