"""An API Gateway HTTP API front: `curl` a function's routes locally, as through an HTTP API
with a `$default` route (what `sam local start-api` does, without containers).

Each request is an event in payload format 2.0 (or 1.0, `--api-payload-version 1.0`); the
function's answer is read as API Gateway reads it: the payload's response format (2.0 infers a
200 JSON answer from a value without `statusCode`), headers checked before they go out. A
function error or an answer API Gateway could not read is its 500 `Internal Server Error`.
HTTP APIs do not stream: the answer is read whole.
"""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import parse_qsl

from lambdaflow.emulator.config import ACCOUNT_ID, EmulatorConfig
from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.http.messages import HttpRequest, HttpResponse
from lambdaflow.emulator.routes.function_url import (
    BadAnswer,
    buffered_response,
    function_url_event,
    response_head,
)
from lambdaflow.emulator.routes.streaming_callers import is_function_error
from lambdaflow.emulator.sandbox.pending_invoke import PendingInvoke
from lambdaflow.emulator.sandbox.sandbox import Sandbox

API_ID = "lambdaflowapi"
PAYLOAD_VERSIONS = ("2.0", "1.0")
INTERNAL_ERROR = HttpResponse(
    500, b'{"message":"Internal Server Error"}', (("Content-Type", "application/json"),)
)


def _domain(region: str) -> str:
    return f"{API_ID}.execute-api.{region}.amazonaws.com"


def http_api_event(request: HttpRequest, region: str, now: float) -> dict[str, object]:
    """The payload 2.0 event of `request` through an HTTP API's `$default` route."""
    event = function_url_event(request, region, now)
    context = event["requestContext"]
    assert isinstance(context, dict)
    domain = _domain(region)
    context.update(accountId=ACCOUNT_ID, apiId=API_ID, domainName=domain,
                   domainPrefix=API_ID)
    headers = event["headers"]
    assert isinstance(headers, dict)
    if headers.get("host", "").endswith(".on.aws"):
        headers["host"] = domain
    return event


def rest_event(request: HttpRequest, region: str, now: float) -> dict[str, object]:
    """The payload 1.0 event of `request`: API Gateway REST's shape (multi-value headers and
    query parameters), as an HTTP API sends it with payload format 1.0."""
    v2 = http_api_event(request, region, now)
    path, _, query = request.target.partition("?")
    headers = dict(request.headers)
    pairs = parse_qsl(query, keep_blank_values=True)
    multi_query: dict[str, list[str]] = {}
    for name, value in pairs:
        multi_query.setdefault(name, []).append(value)
    context = v2["requestContext"]
    assert isinstance(context, dict)
    return {
        "version": "1.0",
        "resource": "$default",
        "path": path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {n: v[-1] for n, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "requestContext": {
            "accountId": context["accountId"],
            "apiId": API_ID,
            "domainName": context["domainName"],
            "domainPrefix": API_ID,
            "extendedRequestId": str(uuid.uuid4()),
            "httpMethod": request.method,
            "identity": {"sourceIp": "127.0.0.1", "userAgent": headers.get("user-agent", "")},
            "path": path,
            "protocol": "HTTP/1.1",
            "requestId": context["requestId"],
            "requestTime": context["time"],
            "requestTimeEpoch": context["timeEpoch"],
            "resourceId": "$default",
            "resourcePath": "$default",
            "stage": "$default",
        },
        "pathParameters": None,
        "stageVariables": None,
        "body": v2.get("body") or None,
        "isBase64Encoded": v2["isBase64Encoded"],
    }


def rest_response(payload: bytes) -> HttpResponse:
    """A payload 1.0 answer: `statusCode` required; `multiValueHeaders` win over `headers`."""
    try:
        answer = json.loads(payload)
    except RecursionError:  # nested deeper than json can parse, as buffered_response says
        raise BadAnswer("nested too deeply") from None
    if not isinstance(answer, dict) or "statusCode" not in answer:
        raise BadAnswer("a payload 1.0 answer needs a statusCode")
    single = answer.get("headers") or {}
    multi = answer.get("multiValueHeaders") or {}
    if not isinstance(single, dict) or not isinstance(multi, dict):
        raise BadAnswer("headers and multiValueHeaders must be objects")
    repeated = {name.lower() for name in multi}
    single = {name: value for name, value in single.items() if name.lower() not in repeated}
    response = buffered_response(json.dumps({**answer, "headers": single, "cookies": None})
                                 .encode())
    extra: list[tuple[str, str]] = []
    for name, values in multi.items():
        if not isinstance(values, list):
            raise BadAnswer("multiValueHeaders values must be lists")
        for value in values:
            extra.extend(response_head({"headers": {name: value}})[1])
    return HttpResponse(response.status, response.body, (*response.headers, *extra))


class ApiGatewayRoutes:
    """An `http11` handler: every request, whatever its path and method, invokes through the
    `$default` route, and the answer is read in the payload version's response format."""

    def __init__(self, sandbox: Sandbox, config: EmulatorConfig, payload_version: str) -> None:
        if payload_version not in PAYLOAD_VERSIONS:
            raise ValueError(f"payload version must be one of {', '.join(PAYLOAD_VERSIONS)}")
        self._sandbox = sandbox
        self._region = config.region
        self._v1 = payload_version == "1.0"

    def __call__(self, request: HttpRequest) -> Deferred:
        build = rest_event if self._v1 else http_api_event
        event = build(request, self._region, time.time())
        invoked = Deferred()
        answer = Deferred()
        invoked.when_resolved(lambda response: answer.resolve(self._read(response)))
        answer.on_abandoned = invoked.abandon
        self._sandbox.submit(PendingInvoke(
            payload=json.dumps(event).encode(),
            answer=invoked,
        ))
        return answer

    def _read(self, response: object) -> HttpResponse | None:
        if not isinstance(response, HttpResponse):
            return None if response is None else INTERNAL_ERROR
        if response.status != 200 or is_function_error(response):
            return INTERNAL_ERROR
        try:
            return rest_response(response.body) if self._v1 else buffered_response(response.body)
        except ValueError:  # BadAnswer, or not JSON
            return INTERNAL_ERROR
