"""The invoke endpoints callers use: ``POST /2015-03-31/functions/<name>/invocations`` and
``POST /2021-11-15/functions/<name>/response-streaming-invocations`` (InvokeWithResponseStream:
the answer streams back in the AWS event-stream framing as the runtime produces it).

It turns the Lambda Invoke API's headers into what the runtime sees (client context decoded
from base64, a trace id passed on or generated, the tenant id passed on) and picks the
invocation type: synchronous, ``Event`` (202 now, run in order) or ``DryRun`` (204, nothing runs).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from urllib.parse import unquote

from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.http.messages import HttpRequest, HttpResponse, is_header_safe
from lambdaflow.emulator.routes import rie_responses
from lambdaflow.emulator.routes.streaming_callers import EventStreamCaller
from lambdaflow.emulator.sandbox.pending_invoke import PendingInvoke, new_trace_id
from lambdaflow.emulator.sandbox.sandbox import Sandbox
from lambdaflow.limits import MAX_ASYNC_REQUEST_BYTES

_PREFIX = "/2015-03-31/functions/"
_SUFFIX = "/invocations"
_STREAM_PREFIX = "/2021-11-15/functions/"
_STREAM_SUFFIX = "/response-streaming-invocations"
#: (prefix, suffix, whether the answer streams) of each invoke endpoint
_ENDPOINTS = ((_PREFIX, _SUFFIX, False), (_STREAM_PREFIX, _STREAM_SUFFIX, True))
_EVENT_ACCEPTED = HttpResponse(202)
_DRY_RUN = HttpResponse(204)
_BAD_CLIENT_CONTEXT = HttpResponse(
    400,
    b'{"Type":"User","message":"Client context must be a valid Base64-encoded JSON object."}',
    (rie_responses.JSON,),
)


#: InvokeWithResponseStream offers no Event type (Lambda's API model: RequestResponse, DryRun).
_STREAMED_TYPES_ONLY = HttpResponse(
    400,
    b'{"Type":"User","message":"1 validation error detected: Value at \'invocationType\' '
    b"failed to satisfy constraint: Member must satisfy enum value set: "
    b'[RequestResponse, DryRun]"}',
    (rie_responses.JSON, ("X-Amzn-ErrorType", "ValidationException")),
)
_EVENT_TOO_LARGE = rie_responses.request_too_large(MAX_ASYNC_REQUEST_BYTES)
_CONTROL_BYTES = frozenset(range(0x20)) | {0x7F}


def _bad_header(name: str) -> HttpResponse:
    body = json.dumps({"Type": "User", "message": f"Invalid {name} header value"})
    return HttpResponse(400, body.encode(), (rie_responses.JSON,))


def function_not_found(function_arn: str) -> HttpResponse:
    """Lambda's answer for a function that does not exist; botocore reads the error code from
    ``X-Amzn-ErrorType`` and the message from the body."""
    body = json.dumps({"Type": "User", "message": f"Function not found: {function_arn}"})
    headers = (rie_responses.JSON, ("X-Amzn-ErrorType", "ResourceNotFoundException"))
    return HttpResponse(404, body.encode(), headers)


def _decode_client_context(encoded: str | None) -> str | None:
    """The header value to hand the runtime: the decoded bytes, unchanged.

    Returned as Latin-1 text so they go out byte for byte (UTF-8 stays UTF-8), and refused when
    they are not UTF-8 or hold control characters: a CR/LF would inject headers into /next.
    """
    if encoded is None:
        return None
    try:
        raw = base64.b64decode(encoded, validate=True)
        raw.decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("client context is not base64 of UTF-8 text") from None
    if not _CONTROL_BYTES.isdisjoint(raw):
        raise ValueError("client context holds control characters")
    return raw.decode("latin-1")


class InvokeRoutes:
    """An ``http11`` handler that queues invocations on the Sandbox.

    A function is named as Lambda names it in the URL: ``function`` (the RIE's name), the
    configured name, or its ARN (URL-encoded, as the AWS SDKs send it).
    """

    def __init__(
        self,
        sandbox: Sandbox,
        function_names: frozenset[str],
        function_arn: str,
        function_version: str,
        start_durable: Callable[[HttpRequest, str], HttpResponse | Deferred] | None = None,
    ) -> None:
        self._sandbox = sandbox
        self._start_durable = start_durable  # --durable: an invoke starts an execution
        self._names = function_names | {function_arn}
        # path -> streams: the classic paths answer whole, the streaming ones as produced
        self._paths = {
            prefix + name + suffix: streams
            for prefix, suffix, streams in _ENDPOINTS
            for name in function_names
        }
        self._arn_prefix = function_arn.rpartition(":")[0] + ":"
        self._version = function_version

    def __call__(self, request: HttpRequest) -> HttpResponse | Deferred:
        path = request.path
        streams = self._paths.get(path)
        if streams is None:
            refusal, streams = self._unknown(path)
            if refusal is not None:
                return refusal
        headers = request.headers
        invocation_type = headers.get("x-amz-invocation-type", "RequestResponse")
        if invocation_type == "DryRun":
            return _DRY_RUN
        if streams and invocation_type != "RequestResponse":
            return _STREAMED_TYPES_ONLY  # an Event's stream would be held whole, for no one
        if invocation_type == "Event" and len(request.body) > MAX_ASYNC_REQUEST_BYTES:
            return _EVENT_TOO_LARGE  # queued events are held until they run
        if self._start_durable is not None:
            return self._start_durable(request, "Stream" if streams else invocation_type)
        try:
            client_context = _decode_client_context(headers.get("x-amz-client-context"))
        except ValueError:
            return _BAD_CLIENT_CONTEXT
        trace_id = headers.get("x-amzn-trace-id")
        tenant_id = headers.get("x-amz-tenant-id")
        # the HTTP layer refuses control characters in any head; these go on into /next
        if not trace_id:
            trace_id = new_trace_id()
        elif not is_header_safe(trace_id):
            return _bad_header("X-Amzn-Trace-Id")
        if tenant_id is not None and not is_header_safe(tenant_id):
            return _bad_header("X-Amz-Tenant-Id")
        answer = Deferred()
        invocation = PendingInvoke(
            payload=request.body,
            trace_id=trace_id,
            client_context=client_context,
            tenant_id=tenant_id,
            answer=answer,
            capture_log=headers.get("x-amz-log-type") == "Tail",
        )
        if streams:
            invocation.streaming_caller = EventStreamCaller(answer, self._version)
        self._sandbox.submit(invocation)
        return _EVENT_ACCEPTED if invocation_type == "Event" else answer

    def _unknown(self, path: str) -> tuple[HttpResponse | None, bool]:
        """(None, streams) for our function named by its ARN; Lambda's 404 for another
        function's invoke path; the RIE's plain 404 for anything else."""
        known = [(p, s, streams) for p, s, streams in _ENDPOINTS if path.startswith(p)]
        if not known or not path.endswith(known[0][1]):
            return rie_responses.NOT_FOUND, False
        prefix, suffix, streams = known[0]
        name = unquote(path[len(prefix) : -len(suffix)])
        if name in self._names:
            return None, streams
        if not name.startswith("arn:"):
            name = self._arn_prefix + name
        return function_not_found(name), streams
