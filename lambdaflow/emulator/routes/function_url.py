"""A Function URL endpoint: HTTP requests in as payload format 2.0 events, real HTTP out.

The answer is streamed when the runtime streams it: Lambda's HTTP integration type
(``application/vnd.awslambda.http-integration-response``) is a JSON prelude (statusCode,
headers, cookies), 8 NUL bytes, then the body, which goes on in chunks as produced. A buffered
answer is read in the Function URL response format ({statusCode, headers, body, cookies,
isBase64Encoded}; anything else is a 200 application/json body). The prelude and the response
format come from the function, so every header they name is checked before it goes out: a bad
one is a 502, as is a function error.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import time
import uuid
from collections.abc import Sequence
from urllib.parse import parse_qsl

from lambdaflow.emulator.config import EmulatorConfig
from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.http.messages import (
    HttpRequest,
    HttpResponse,
    is_header_safe,
    is_token,
)
from lambdaflow.emulator.routes.streaming_callers import StreamingCaller, is_function_error
from lambdaflow.emulator.sandbox.pending_invoke import PendingInvoke
from lambdaflow.emulator.sandbox.sandbox import Sandbox

HTTP_INTEGRATION = "application/vnd.awslambda.http-integration-response"
PRELUDE_END = b"\0" * 8
#: A prelude longer than this is refused (Lambda's own bound is not documented).
MAX_PRELUDE_BYTES = 64 * 1024
API_ID = "lambdaflowemulator"
#: Framing is the emulator's to decide, never the function's.
_FRAMING = frozenset({"content-length", "transfer-encoding", "connection"})
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
BAD_GATEWAY = HttpResponse(
    502, b'{"Message":"Internal Server Error"}', (("Content-Type", "application/json"),)
)


class BadAnswer(ValueError):
    """The function's status or headers cannot be sent as they are."""


def _header_value(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadAnswer("header values must be strings")
    text = str(value)
    if not is_header_safe(text):
        raise BadAnswer("header value with control characters")
    return _utf8(text, "header value").decode("latin-1")  # UTF-8 goes out byte for byte


def _utf8(text: str, what: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:  # JSON can carry a lone surrogate
        raise BadAnswer(f"{what} is not UTF-8 text") from None


def response_head(answer: object) -> tuple[int, list[tuple[str, str]]]:
    """Status and headers (Set-Cookie per cookie) from a prelude or a response object."""
    if not isinstance(answer, dict):
        raise BadAnswer("not a JSON object")
    status = answer.get("statusCode", 200)
    # a 1xx is never a final answer: sent as one, the caller's next answer would follow it
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        raise BadAnswer("statusCode must be an integer from 200 to 599")
    headers = answer.get("headers") or {}
    cookies = answer.get("cookies") or []
    if not isinstance(headers, dict) or not isinstance(cookies, list):
        raise BadAnswer("headers must be an object, cookies a list")
    out = []
    for name, value in headers.items():
        if not is_token(name):
            raise BadAnswer("invalid header name")
        if name.lower() not in _FRAMING:
            out.append((name, _header_value(value)))
    out.extend(("Set-Cookie", _header_value(cookie)) for cookie in cookies)
    return status, out


def buffered_response(payload: bytes) -> HttpResponse:
    """A buffered answer in the Function URL response format, or a plain JSON value."""
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = None
    except RecursionError:  # nested deeper than json can parse: no answer can be read from it
        raise BadAnswer("nested too deeply") from None
    if not (isinstance(answer, dict) and "statusCode" in answer):
        return HttpResponse(200, payload, (("Content-Type", "application/json"),))
    status, headers = response_head(answer)
    body = answer.get("body") or ""
    if not isinstance(body, str):
        raise BadAnswer("body must be a string")
    if answer.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(body, validate=True)
        except binascii.Error:
            raise BadAnswer("body is not base64") from None
    else:
        raw = _utf8(body, "body")
    return HttpResponse(status, raw, headers)


class FunctionUrlCaller(StreamingCaller):
    """Turns the runtime's answer (streamed or buffered) into the caller's HTTP response."""

    def __init__(self, answer: Deferred) -> None:
        super().__init__(answer)
        self._began = False
        self._prelude: bytearray | None = None
        self._failed = False

    def begin(self, content_type: str) -> None:
        self._began = True
        if content_type.partition(";")[0].strip().lower() == HTTP_INTEGRATION:
            self._prelude = bytearray()
        else:
            self._open(200, (("Content-Type", content_type),))

    def data(self, piece: bytes) -> None:
        prelude = self._prelude
        if prelude is None:
            if self._stream is not None:
                self._stream.write(piece)
            return
        searched = max(0, len(prelude) - len(PRELUDE_END) + 1)
        prelude += piece
        end = prelude.find(PRELUDE_END, searched)
        if end < 0:
            if len(prelude) > MAX_PRELUDE_BYTES:
                self._fail()
            return
        self._prelude = None
        try:
            status, headers = response_head(json.loads(prelude[:end]))
        except (ValueError, RecursionError):  # BadAnswer, not JSON, or nested too deeply
            self._fail()
            return
        self._open(status, headers)
        rest = bytes(prelude[end + len(PRELUDE_END) :])
        if rest and self._stream is not None:
            self._stream.write(rest)

    def complete(self, answer: HttpResponse, extra: Sequence[tuple[str, str]]) -> None:
        failed = is_function_error(answer)
        if not self._began:  # a buffered answer
            try:
                response = BAD_GATEWAY if failed else buffered_response(answer.body)
            except BadAnswer:
                response = BAD_GATEWAY
            self._answer.resolve(response)
        elif self._prelude is not None:  # the stream ended before its prelude did
            self._fail()
        else:
            self._finish(not failed)  # a failure: the caller sees the body cut short

    def _fail(self) -> None:
        """502, and the rest of the stream dropped."""
        self._prelude = None
        if not self._failed:
            self._failed = True
            self._opened = True
            self._answer.resolve(BAD_GATEWAY)
            if self.flow is not None:
                self.flow(True)


def _is_text(content_type: str) -> bool:
    content_type = content_type.lower()
    return content_type.startswith(_TEXT_TYPES) or content_type.endswith(("+json", "+xml"))


def function_url_event(request: HttpRequest, region: str, now: float) -> dict[str, object]:
    """The payload format 2.0 event of ``request``, as a Function URL delivers it."""
    path, _, query = request.target.partition("?")
    headers = dict(request.headers)
    cookie_header = headers.pop("cookie", "")
    domain = f"{API_ID}.lambda-url.{region}.on.aws"
    headers.setdefault("host", domain)
    event: dict[str, object] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
    }
    if cookie_header:
        event["cookies"] = [c for c in (part.strip() for part in cookie_header.split(";")) if c]
    event["headers"] = headers
    if query:
        parameters: dict[str, str] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            parameters[name] = f"{parameters[name]},{value}" if name in parameters else value
        event["queryStringParameters"] = parameters
    event["requestContext"] = {
        "accountId": "anonymous",
        "apiId": API_ID,
        "domainName": domain,
        "domainPrefix": API_ID,
        "http": {
            "method": request.method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": "$default",
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    text: str | None = ""
    if request.body:
        text = None
        if _is_text(headers.get("content-type", "")):
            with contextlib.suppress(UnicodeDecodeError):  # then base64, as binary is
                text = request.body.decode()
        event["body"] = base64.b64encode(request.body).decode() if text is None else text
    event["isBase64Encoded"] = text is None
    return event


class FunctionUrlRoutes:
    """An ``http11`` handler: every request, whatever its path and method, invokes."""

    def __init__(self, sandbox: Sandbox, config: EmulatorConfig) -> None:
        self._sandbox = sandbox
        self._region = config.region

    def __call__(self, request: HttpRequest) -> Deferred:
        event = function_url_event(request, self._region, time.time())
        answer = Deferred()
        invocation = PendingInvoke(
            payload=json.dumps(event).encode(),
            answer=answer,
        )
        invocation.streaming_caller = FunctionUrlCaller(answer)
        self._sandbox.submit(invocation)
        return answer
