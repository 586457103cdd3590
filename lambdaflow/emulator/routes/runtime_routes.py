"""Routes of the Runtime API and Extensions API the runtime process talks to.

Only routing lives here: each path is mapped to the Sandbox or the ExtensionRegistry, which own
the state checks. Paths are matched by prefix and split once, the cheapest dispatch on the
hot path (``/next`` and ``/response`` run once per invoke each).
"""

from __future__ import annotations

from collections.abc import Callable

from lambdaflow.emulator.http.http11 import BodySink, Deferred
from lambdaflow.emulator.http.messages import HttpRequest, HttpResponse
from lambdaflow.emulator.routes import rie_responses
from lambdaflow.emulator.sandbox.sandbox import Sandbox

_INVOCATION = "/2018-06-01/runtime/invocation/"
_NEXT = _INVOCATION + "next"
_INIT_ERROR = "/2018-06-01/runtime/init/error"
_RESTORE_NEXT = "/2018-06-01/runtime/restore/next"
_RESTORE_ERROR = "/2018-06-01/runtime/restore/error"
_REGISTER = "/2020-01-01/extension/register"
_EVENT_NEXT = "/2020-01-01/extension/event/next"
_RESPONSE_MODE = "lambda-runtime-function-response-mode"
_RESPONSE = "/response"
_METHOD_NOT_ALLOWED = HttpResponse(405, b"405 method not allowed\n", (rie_responses.TEXT_PLAIN,))


Route = Callable[[HttpRequest], "HttpResponse | Deferred"]


class RuntimeRoutes:
    """An ``http11`` handler for everything under the address in AWS_LAMBDA_RUNTIME_API."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._exact: dict[str, tuple[str, Route]] = {
            _NEXT: ("GET", lambda request: sandbox.next_invocation(request.connection)),
            _INIT_ERROR: ("POST", lambda request: sandbox.post_init_error(request.body)),
            _RESTORE_NEXT: ("GET", lambda _request: sandbox.restore_next()),
            _RESTORE_ERROR: ("POST", lambda request: sandbox.post_restore_error(request.body)),
            _REGISTER: ("POST", sandbox.extensions.register),
            _EVENT_NEXT: ("GET", sandbox.extensions.next_event),
        }

    def open_stream(self, request: HttpRequest, flow: Callable[[bool], None]) -> BodySink | None:
        """``http11.StreamOpener``: a streamed /response may be relayed as it arrives."""
        path = request.path
        if (
            request.method != "POST"
            or request.headers.get(_RESPONSE_MODE) != "streaming"
            or not path.startswith(_INVOCATION)
            or not path.endswith(_RESPONSE)
        ):
            return None
        request_id = path[len(_INVOCATION) : -len(_RESPONSE)]
        content_type = request.headers.get("content-type", "application/octet-stream")
        return self._sandbox.open_stream(request_id, content_type, flow)

    def __call__(self, request: HttpRequest) -> HttpResponse | Deferred:
        path = request.path
        exact = self._exact.get(path)
        if exact is not None:
            method, route = exact
            return route(request) if request.method == method else _METHOD_NOT_ALLOWED
        if not path.startswith(_INVOCATION):
            return rie_responses.NOT_FOUND
        request_id, _, action = path[len(_INVOCATION) :].partition("/")
        if action not in ("response", "error") or not request_id:
            return rie_responses.NOT_FOUND
        if request.method != "POST":
            return _METHOD_NOT_ALLOWED
        if action == "response":
            streaming = request.headers.get(_RESPONSE_MODE) == "streaming"
            return self._sandbox.post_response(
                request_id, request.body, request.trailers, streaming
            )
        return self._sandbox.post_error(request_id, request.body)
