"""Routes of the Runtime API and Extensions API the runtime process talks to.

Only routing lives here: each path is mapped to the Sandbox or the ExtensionRegistry, which own
the state checks. Paths are matched by prefix and split once, the cheapest dispatch on the
hot path (``/next`` and ``/response`` run once per invoke each).
"""

from __future__ import annotations

from collections.abc import Callable

from lambdaflow.emulator.http.capped_body import CappedBody, Finish
from lambdaflow.emulator.http.http11 import BodySink, Deferred
from lambdaflow.emulator.http.messages import HttpRequest, HttpResponse
from lambdaflow.emulator.routes import rie_responses
from lambdaflow.emulator.sandbox.sandbox import Sandbox
from lambdaflow.limits import MAX_RESPONSE_BYTES

_INVOCATION = "/2018-06-01/runtime/invocation/"
_NEXT = _INVOCATION + "next"
_INIT_ERROR = "/2018-06-01/runtime/init/error"
_RESTORE_NEXT = "/2018-06-01/runtime/restore/next"
_RESTORE_ERROR = "/2018-06-01/runtime/restore/error"
_REGISTER = "/2020-01-01/extension/register"
_EVENT_NEXT = "/2020-01-01/extension/event/next"
_RESPONSE_MODE = "lambda-runtime-function-response-mode"
_RESPONSE = "/response"
#: A posted body past Lambda's limit is read and dropped (to answer the runtime 413 as Lambda
#: does) up to this mark; past it the connection is dropped too.
MAX_POSTED_BYTES = 128 * 1024 * 1024
_METHOD_NOT_ALLOWED = HttpResponse(405, b"405 method not allowed\n", (rie_responses.TEXT_PLAIN,))


Route = Callable[[HttpRequest], "HttpResponse | Deferred"]


class RuntimeRoutes:
    """An ``http11`` handler for everything under the address in AWS_LAMBDA_RUNTIME_API."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._exact: dict[str, tuple[str, Route]] = {
            _NEXT: ("GET", lambda request: sandbox.next_invocation(request.connection)),
            _INIT_ERROR: ("POST", self._buffered),
            _RESTORE_NEXT: ("GET", lambda _request: sandbox.restore_next()),
            _RESTORE_ERROR: ("POST", self._buffered),
            _REGISTER: ("POST", sandbox.extensions.register),
            _EVENT_NEXT: ("GET", sandbox.extensions.next_event),
        }

    def open_stream(self, request: HttpRequest, flow: Callable[[bool], None]) -> BodySink | None:
        """``http11.StreamOpener``: a streamed /response may be relayed as it arrives; any
        other body the runtime posts (a response, an error) is held up to Lambda's limit."""
        if request.method != "POST":
            return None
        path = request.path
        if (
            request.headers.get(_RESPONSE_MODE) == "streaming"
            and path.startswith(_INVOCATION)
            and path.endswith(_RESPONSE)
        ):
            request_id = path[len(_INVOCATION) : -len(_RESPONSE)]
            content_type = request.headers.get("content-type", "application/octet-stream")
            relay = self._sandbox.open_stream(request_id, content_type, flow)
            if relay is not None:
                return relay
        finish = self._posted(request)
        if finish is None:
            return None
        declared = int(request.headers.get("content-length", "0"))  # digits: parse_head's check
        return CappedBody(MAX_RESPONSE_BYTES, MAX_POSTED_BYTES, finish, declared)

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
        return self._buffered(request)

    def _buffered(self, request: HttpRequest) -> HttpResponse:
        finish = self._posted(request)
        assert finish is not None  # routed here for a POST that has one
        return finish(request.body, request.trailers)

    def _posted(self, request: HttpRequest) -> Finish | None:
        """Where a body the runtime POSTs goes: /response, /error, /init/error,
        /restore/error (None for any other path)."""
        sandbox = self._sandbox
        path = request.path
        if path == _INIT_ERROR:
            return lambda body, _trailers: sandbox.post_init_error(body)
        if path == _RESTORE_ERROR:
            return lambda body, _trailers: sandbox.post_restore_error(body)
        if not path.startswith(_INVOCATION):
            return None
        request_id, _, action = path[len(_INVOCATION) :].partition("/")
        if not request_id:
            return None
        if action == "response":
            streaming = request.headers.get(_RESPONSE_MODE) == "streaming"
            return lambda body, trailers: sandbox.post_response(
                request_id, body, trailers, streaming
            )
        if action == "error":
            return lambda body, _trailers: sandbox.post_error(request_id, body)
        return None
