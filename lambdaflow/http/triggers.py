"""The HTTP triggers' event and answer shapes: API Gateway REST (payload 1.0), HTTP API
(payload 2.0 and 1.0), Function URLs, and ALB with and without multi-value headers.

A `Trigger` reads one shape's request fields and writes the answer that shape expects; the
router and the ASGI bridge see only `Request`s and (status, headers, cookies, body) answers.
`trigger_for` picks the trigger from a few keys, once per request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import UnmarshalError
from ..events._http import body_bytes
from .request import MalformedEvent, Request

#: Content types answered as text; anything else goes base64-encoded (`isBase64Encoded`).
_TEXT_PREFIXES = ("text/", "application/json", "application/xml", "application/javascript")
_TEXT_SUFFIXES = ("+json", "+xml")
_ALB_REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently",
    302: "Found", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
    413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable",
}


def is_text(content_type: str | None) -> bool:
    """Whether a body of this content type goes out as text rather than base64."""
    if not content_type:
        return False
    known = _TEXT_TYPES.get(content_type)
    if known is None:
        kind = content_type.partition(";")[0].strip().lower()
        known = kind.startswith(_TEXT_PREFIXES) or kind.endswith(_TEXT_SUFFIXES)
        if len(_TEXT_TYPES) < _TEXT_TYPES_KEPT:
            _TEXT_TYPES[content_type] = known
    return known


#: is_text's answers by content type: a few distinct values in practice, bounded all the same.
_TEXT_TYPES: dict[str, bool] = {}
_TEXT_TYPES_KEPT = 256


def _content_type(headers: dict[str, str]) -> str | None:
    found = headers.get("content-type") or headers.get("Content-Type")
    if found is None:
        found = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    return found


def _encoded_body(content_type: str | None, body: bytes) -> tuple[str, bool]:
    """(body, isBase64Encoded) as the trigger's answer carries it."""
    if not body:
        return "", False
    if is_text(content_type):
        try:
            return body.decode(), False
        except UnicodeDecodeError:
            pass
    import base64  # only for a binary answer

    return base64.b64encode(body).decode(), True


def url_parse() -> Any:
    """urllib.parse, imported by the first request that needs it (about 2 ms of cold start
    otherwise, ipaddress included): percent-encoded paths, query strings."""
    import urllib.parse

    return urllib.parse


def _text_values(headers: Any) -> dict[str, str]:
    """`headers` if it is an object of text values (TypeError otherwise: a malformed event)."""
    if headers.__class__ is not dict or not all(
        value.__class__ is str for value in headers.values()
    ):
        raise TypeError("headers are not an object of strings")
    return headers


def _cookie_header(headers: dict[str, str]) -> list[str]:
    return [part.strip() for part in headers.get("cookie", "").split(";") if part.strip()]


class Trigger:
    """One event shape. Subclasses read their own keys; answers are plain dicts."""

    name = "http"

    def method(self, event: dict[str, Any]) -> str:
        return event["httpMethod"]

    def path(self, event: dict[str, Any]) -> str:
        return event.get("path") or "/"

    def raw_path(self, event: dict[str, Any]) -> str:
        """The path as the client sent it: percent-encoded, stage prefix included."""
        return url_parse().quote(self.path(event))

    def headers(self, event: dict[str, Any]) -> dict[str, str]:
        multi = event.get("multiValueHeaders")
        if multi:
            return _text_values(
                {name.lower(): ",".join(values) for name, values in multi.items() if values}
            )
        return _text_values(
            {name.lower(): value for name, value in (event.get("headers") or {}).items()}
        )

    def query(self, event: dict[str, Any]) -> list[tuple[str, str]]:
        multi = event.get("multiValueQueryStringParameters")
        if multi:
            return [(name, value) for name, values in multi.items() for value in values or ()]
        return list((event.get("queryStringParameters") or {}).items())

    def raw_query(self, event: dict[str, Any]) -> str:
        parse = url_parse()
        return parse.urlencode(self.query(event), quote_via=parse.quote)

    def cookies(self, event: dict[str, Any], headers: dict[str, str]) -> list[str]:
        return _cookie_header(headers)

    def body(self, event: dict[str, Any]) -> bytes:
        return body_bytes(event.get("body"), bool(event.get("isBase64Encoded")))

    def source_ip(self, event: dict[str, Any], headers: dict[str, str]) -> str:
        identity = (event.get("requestContext") or {}).get("identity") or {}
        return identity.get("sourceIp") or ""

    def reply(
        self, status: int, headers: Iterable[tuple[str, str]], cookies: list[str], body: bytes
    ) -> dict[str, Any]:
        """API Gateway's payload 1.0 answer: repeated headers and cookies as multi-values."""
        single: dict[str, str] = {}
        multi: dict[str, list[str]] = {}
        for name, value in headers:
            multi.setdefault(name, []).append(value)
            single[name] = value
        text, encoded = _encoded_body(_content_type(single), body)
        answer: dict[str, Any] = {"statusCode": status, "headers": single}
        repeated = {name: values for name, values in multi.items() if len(values) > 1}
        if cookies:
            repeated["Set-Cookie"] = list(cookies)
        if repeated:
            answer["multiValueHeaders"] = repeated
        answer["body"] = text
        answer["isBase64Encoded"] = encoded
        return answer


class RestApi(Trigger):
    """API Gateway REST APIs (their events carry no `version`). A REST API integration whose
    response transfer mode is STREAM takes streamed answers as Function URLs do: routers and
    ASGI bridges stream to it when told to (`stream_rest_api=True`)."""

    name = "api-gateway-rest"


class HttpApiV1(Trigger):
    """API Gateway HTTP APIs with payload format 1.0: REST's shape, `version` "1.0"."""

    name = "api-gateway-http-1.0"


class HttpApi(Trigger):
    """API Gateway HTTP APIs, payload format 2.0."""

    name = "api-gateway-http"

    def method(self, event: dict[str, Any]) -> str:
        return event["requestContext"]["http"]["method"]

    def path(self, event: dict[str, Any]) -> str:
        path = event.get("rawPath") or "/"
        if "%" in path:
            path = url_parse().unquote(path)
        stage = event["requestContext"].get("stage")
        if stage and stage != "$default" and path.startswith(f"/{stage}"):
            rest = path[len(stage) + 1 :]
            if not rest or rest[0] == "/":  # a named stage prefixes rawPath: routes omit it
                path = rest or "/"
        return path

    def raw_path(self, event: dict[str, Any]) -> str:
        return event.get("rawPath") or "/"

    def headers(self, event: dict[str, Any]) -> dict[str, str]:
        return _text_values(event.get("headers") or {})  # lower case, repeats comma-joined

    def query(self, event: dict[str, Any]) -> list[tuple[str, str]]:
        raw = event.get("rawQueryString")
        return url_parse().parse_qsl(raw, keep_blank_values=True) if raw else []

    def raw_query(self, event: dict[str, Any]) -> str:
        raw = event.get("rawQueryString") or ""
        if raw.__class__ is not str:
            raise TypeError("rawQueryString is not a string")
        return raw

    def cookies(self, event: dict[str, Any], headers: dict[str, str]) -> list[str]:
        return event.get("cookies") or []

    def source_ip(self, event: dict[str, Any], headers: dict[str, str]) -> str:
        return event["requestContext"]["http"].get("sourceIp") or ""

    def reply(
        self, status: int, headers: Iterable[tuple[str, str]], cookies: list[str], body: bytes
    ) -> dict[str, Any]:
        """Payload 2.0's answer: repeated headers comma-joined, cookies in their own list."""
        single: dict[str, str] = {}
        for name, value in headers:
            single[name] = f"{single[name]},{value}" if name in single else value
        text, encoded = _encoded_body(_content_type(single), body)
        answer: dict[str, Any] = {"statusCode": status, "headers": single}
        if cookies:
            answer["cookies"] = list(cookies)
        answer["body"] = text
        answer["isBase64Encoded"] = encoded
        return answer


class FunctionUrl(HttpApi):
    """Lambda Function URLs (payload 2.0); invoke mode RESPONSE_STREAM takes streamed answers
    (the HTTP integration response)."""

    name = "function-url"


class Alb(Trigger):
    """An Application Load Balancer target without multi-value headers: one value per header
    (the last cookie wins), query values still percent-encoded as ALB passes them."""

    name = "alb"

    def path(self, event: dict[str, Any]) -> str:
        path = event.get("path") or "/"
        return url_parse().unquote(path) if "%" in path else path

    def raw_path(self, event: dict[str, Any]) -> str:
        return event.get("path") or "/"

    def query(self, event: dict[str, Any]) -> list[tuple[str, str]]:
        unquote = url_parse().unquote
        return [(unquote(name), unquote(value)) for name, value in super().query(event)]

    def raw_query(self, event: dict[str, Any]) -> str:
        return "&".join(f"{name}={value}" for name, value in super().query(event))

    def source_ip(self, event: dict[str, Any], headers: dict[str, str]) -> str:
        return headers.get("x-forwarded-for", "").split(",")[0].strip()

    def reply(
        self, status: int, headers: Iterable[tuple[str, str]], cookies: list[str], body: bytes
    ) -> dict[str, Any]:
        single = dict(headers)
        text, encoded = _encoded_body(_content_type(single), body)
        if cookies:
            single["Set-Cookie"] = cookies[-1]
        return {
            "statusCode": status,
            "statusDescription": f"{status} {_ALB_REASONS.get(status, '')}".rstrip(),
            "headers": single,
            "body": text,
            "isBase64Encoded": encoded,
        }


class AlbMultiValue(Alb):
    """An ALB target with multi-value headers on: every header a list, each cookie its own."""

    name = "alb-multi-value"

    def reply(
        self, status: int, headers: Iterable[tuple[str, str]], cookies: list[str], body: bytes
    ) -> dict[str, Any]:
        headers = list(headers)
        answer = super().reply(status, headers, [], body)
        multi: dict[str, list[str]] = {}
        for name, value in headers:
            multi.setdefault(name, []).append(value)
        if cookies:
            multi["Set-Cookie"] = list(cookies)
        del answer["headers"]
        answer["multiValueHeaders"] = multi
        return answer


REST_API = RestApi()
HTTP_API_V1 = HttpApiV1()
HTTP_API = HttpApi()
FUNCTION_URL = FunctionUrl()
ALB = Alb()
ALB_MULTI_VALUE = AlbMultiValue()


def streaming_triggers(stream: bool, stream_rest_api: bool) -> frozenset[Trigger]:
    """The triggers a router or bridge streams to: Function URLs unless `stream` is False
    (invoke mode BUFFERED), REST APIs if their integration streams."""
    chosen = {FUNCTION_URL} if stream else set()
    if stream_rest_api:
        chosen.add(REST_API)
    return frozenset(chosen)


def trigger_for(event: Any) -> Trigger:
    """The trigger whose shape `event` has; an event of no HTTP trigger is refused by name."""
    if event.__class__ is dict:
        context = event.get("requestContext")
        if event.get("version") == "2.0" and context.__class__ is dict and "http" in context:
            domain = context.get("domainName")
            if domain.__class__ is str and ".lambda-url." in domain:
                return FUNCTION_URL
            return HTTP_API
        if "httpMethod" in event:
            if context.__class__ is dict and "elb" in context:
                return ALB_MULTI_VALUE if "multiValueHeaders" in event else ALB
            return HTTP_API_V1 if event.get("version") == "1.0" else REST_API
    raise UnmarshalError(
        "The event is not an HTTP request: an HTTP router serves API Gateway (REST or HTTP "
        "API), Function URL and ALB events"
    )


def request_for(event: Any, context: Any) -> Request:
    """The Request of an HTTP event (UnmarshalError when it is not one)."""
    trigger = trigger_for(event)
    try:
        method, path = trigger.method(event), trigger.path(event)
    except (KeyError, TypeError, AttributeError):
        method = path = None
    if method.__class__ is not str or path.__class__ is not str:
        raise MalformedEvent(
            f"The event looks like a {trigger.name} request but lacks its method or path"
        )
    return Request(trigger, event, context, method, path)
