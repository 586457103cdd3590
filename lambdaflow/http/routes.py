"""Router: Flask-style routes for every HTTP trigger, registered with `app.handler(router)`.

    router = Router()

    @router.get("/orders/{order_id}")
    def get_order(order_id: int) -> Order: ...

    app.handler(router)

Everything about a route (its parameters' sources and types, its JSON encoder, its place in the
table) is worked out when it is registered; a request runs the table lookup, the parameter
readers and the function. Answers go back in the shape of the trigger that sent the request
(`triggers`); streamed answers stream where the trigger can (Function URLs).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import ujson

from ..errors import RegistrationError, exception_payload, log_fields
from ..framework import codec
from ..framework.context import Context
from ..framework.streaming import BODILESS_STATUSES, HttpStream, check_http_head
from ..observability.runtime_log import logger
from .params import Param, bind, route_params, type_hints
from .request import MalformedEvent, Request
from .response import HTTPError, Response, as_response
from .table import Table, normal_path, parse_template
from .triggers import request_for, streaming_triggers

if TYPE_CHECKING:
    from .cors import CORS  # imported by the app that configures CORS, not by every router

F = TypeVar("F", bound=Callable[..., Any])
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
Before = Callable[[Request], Any]
After = Callable[[Request, Response], Any]
_INTERNAL = b'{"message":"Internal Server Error"}'


class Route:
    """One registered route: its methods and template, the function, its parameters."""

    __slots__ = (
        "call", "encode", "function", "methods", "name", "names", "output_type", "params",
        "shape", "summary", "tags", "template",
    )

    def __init__(self, template: str, methods: tuple[str, ...], function: Callable[..., Any],
                 summary: str | None, tags: Sequence[str]) -> None:
        self.template = template
        self.methods = methods
        self.function = function
        self.name = f"{getattr(function, '__module__', '?')}." \
                    f"{getattr(function, '__qualname__', type(function).__name__)}"
        where = f"route {' '.join(methods)} {template} ({self.name})"
        self.shape, self.names, _ = parse_template(template)
        hints = type_hints(function, where)
        self.params: tuple[Param, ...] = route_params(function, self.names, where, hints)
        self.output_type = _plain(hints.get("return"))
        self.encode = codec.encoder_for(self.output_type)
        #: OpenAPI's summary; the docstring's first line stands in when None.
        self.summary = summary
        self.tags = tuple(tags)
        self.call = _blocking(function) if inspect.iscoroutinefunction(function) else function


def _plain(annotation: Any) -> Any:
    """`Annotated[T, ...]` -> T: metadata is for parameters, the encoder wants the type."""
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def _blocking(function: Callable[..., Any]) -> Callable[..., Any]:
    """An `async def` route run on the process's one event loop."""
    from ..framework.async_loop import shared

    event_loop = shared()
    return lambda **arguments: event_loop.run(function(**arguments))


class _Registrar:
    """The route decorators, shared by a Router and its groups."""

    _prefix = ""

    def _add(self, route: Route) -> None:
        raise NotImplementedError

    def route(self, path: str, methods: Iterable[str] = ("GET",), *, summary: str | None = None,
              tags: Sequence[str] = ()) -> Callable[[F], F]:
        """Register the decorated function for `methods` on `path` (`/orders/{order_id}`)."""
        chosen = tuple(dict.fromkeys(m.upper() for m in methods))
        unknown = [m for m in chosen if m not in METHODS]
        if unknown or not chosen:
            raise RegistrationError(f"route {path!r}: methods must be among {', '.join(METHODS)}"
                                    f", got {', '.join(unknown) or 'none'}")
        template = normal_path(self._prefix + normal_path(path))

        def register(function: F) -> F:
            if not callable(function):
                raise RegistrationError(f"route {path!r} needs a function, got {function!r}")
            self._add(Route(template, chosen, function, summary, tags))
            return function

        return register

    def get(self, path: str, **options: Any) -> Callable[[F], F]:
        return self.route(path, ("GET",), **options)

    def post(self, path: str, **options: Any) -> Callable[[F], F]:
        return self.route(path, ("POST",), **options)

    def put(self, path: str, **options: Any) -> Callable[[F], F]:
        return self.route(path, ("PUT",), **options)

    def patch(self, path: str, **options: Any) -> Callable[[F], F]:
        return self.route(path, ("PATCH",), **options)

    def delete(self, path: str, **options: Any) -> Callable[[F], F]:
        return self.route(path, ("DELETE",), **options)

    def head(self, path: str, **options: Any) -> Callable[[F], F]:
        return self.route(path, ("HEAD",), **options)

    def options(self, path: str, **options: Any) -> Callable[[F], F]:
        return self.route(path, ("OPTIONS",), **options)


class Group(_Registrar):
    """Routes under a common prefix: `api = router.group("/v1")`, then `@api.get("/orders")`."""

    def __init__(self, router: Router, prefix: str) -> None:
        self._router = router
        self._prefix = normal_path(prefix) if prefix not in ("", "/") else ""

    def _add(self, route: Route) -> None:
        self._router._add(route)

    def group(self, prefix: str) -> Group:
        return Group(self._router, self._prefix + normal_path(prefix))


class Router(_Registrar):
    """Routes, middlewares and CORS for API Gateway (REST, HTTP API), Function URLs and ALB.

    Register it as the function's handler with `app.handler(router)`. `openapi_path` serves
    the generated OpenAPI document (`openapi()`) as a GET route. `stream`: a streamed answer
    (an HttpStream, a generator) streams through a Function URL, whose invoke mode must then be
    RESPONSE_STREAM; False gathers it whole there too (invoke mode BUFFERED).
    `stream_rest_api`: stream to API Gateway REST APIs too (integrations whose response
    transfer mode is STREAM); other triggers cannot stream, their answers are gathered.
    """

    def __init__(self, *, cors: CORS | None = None, title: str = "lambdaflow API",
                 version: str = "0.1.0", openapi_path: str | None = None,
                 stream: bool = True, stream_rest_api: bool = False) -> None:
        self.cors = cors
        self._streams = streaming_triggers(stream, stream_rest_api)
        self.title = title
        self.version = version
        self.routes: list[Route] = []
        self._before: list[Before] = []
        self._after: list[After] = []
        #: (shape, method) of every route: a duplicate is refused when it is registered.
        self._keys: dict[tuple[str, str], Route] = {}
        #: Compiled at the first request after the last registration (once, in practice).
        self._table: Table | None = None
        if openapi_path is not None:
            self.get(openapi_path)(self._openapi_route)

    def _add(self, route: Route) -> None:
        for method in route.methods:
            other = self._keys.get((route.shape, method))
            if other is not None:
                raise RegistrationError(f"{method} {route.template} is registered twice "
                                        f"({other.name} and {route.name})")
        for method in route.methods:
            self._keys[route.shape, method] = route
        self.routes.append(route)
        self._table = None

    def compile(self) -> Table:
        """The route table; built by the first request, or at init (`app.handler(router)`
        registers this as a cold_start hook, so no invocation pays for it)."""
        table = self._table
        if table is None:
            table = self._table = Table(self.routes)
        return table

    def group(self, prefix: str) -> Group:
        """Routes registered on the group live under `prefix`."""
        return Group(self, prefix)

    def before(self, function: Before) -> Before:
        """Run `function(request)` before each route; a value it returns is the answer and the
        route does not run (an auth check answers 401 this way)."""
        self._before.append(function)
        return function

    def after(self, function: After) -> After:
        """Run `function(request, response)` on each answer (errors included); a Response it
        returns replaces the answer."""
        self._after.append(function)
        return function

    def __lambdaflow_register__(self, app: Any) -> None:
        """`app.handler(router)`: the router's `handle` is the App's handler."""
        app.handler(self.handle)
        app.cold_start(self.compile)

    def handle(self, event: dict, context: Context) -> Any:  # type: ignore[type-arg]
        """Serve one HTTP event: the answer in the trigger's shape (JSON bytes), or an
        HttpStream for a streamed answer to a trigger that streams."""
        request = request_for(event, context)
        response = self.respond(request)
        return self.render(request, response)

    def respond(self, request: Request) -> Response:
        """The Response to `request`: middlewares, the route, and every error as an answer."""
        try:
            response = self._dispatch(request)
        except HTTPError as exc:
            response = exc.response()
        except MalformedEvent:
            raise  # no answer: the invocation is refused (Runtime.UnmarshalError)
        except Exception as exc:
            response = _internal_error(request, exc)
        for after in self._after:
            try:
                replaced = after(request, response)
            except HTTPError as exc:
                replaced = exc.response()
            except MalformedEvent:
                raise
            except Exception as exc:
                replaced = _internal_error(request, exc)
            if replaced is not None:
                response = as_response(replaced, codec.encode)
        if self.cors is not None:
            self.cors.decorate(request, response)
        return response

    def _dispatch(self, request: Request) -> Response:
        method = request.method
        path = request.path
        if path[-1:] == "/" and len(path) > 1:
            path = normal_path(path)
        table = self._table
        found = (table if table is not None else self.compile()).find(path)
        if found is None:
            raise HTTPError(404, "Not Found")  # new each time: a shared one's traceback grows
        methods, values = found
        route = methods.get(method)
        if route is None and method == "HEAD":
            route = methods.get("GET")
        if route is None:
            allowed = _allowed(methods)
            if method == "OPTIONS" and self.cors is not None and self.cors.is_preflight(request):
                return self.cors.preflight(request, allowed)
            raise HTTPError(405, "Method Not Allowed", headers={"allow": ", ".join(allowed)})
        for before in self._before:
            early = before(request)
            if early is not None:
                return as_response(early, codec.encode)
        if values:
            request.path_params = dict(zip(route.names, values))  # noqa: B905 (same length)
        arguments = bind(route.params, request) if route.params else {}
        return as_response(route.call(**arguments), route.encode)

    def render(self, request: Request, response: Response) -> Any:
        """The answer as the trigger expects it: JSON bytes, or an HttpStream to stream."""
        trigger = request.trigger
        body = response.body
        try:
            if body.__class__ is str:
                body = body.encode()
            elif body.__class__ is not bytes:
                bodiless = response.status_code in BODILESS_STATUSES
                if trigger in self._streams and request.method != "HEAD" and not bodiless:
                    return HttpStream(response.status_code, response.headers, response.cookies,
                                      body)
                body = gather(body)
            _check_head(response)
        except Exception as exc:
            return self.render(request, _internal_error(request, exc))
        if request.method == "HEAD" or response.status_code in BODILESS_STATUSES:
            body = b""  # HTTP sends none: a body here would be read as the next answer
        answer = trigger.reply(response.status_code, response.headers.items(), response.cookies,
                               body)
        return ujson.dumps(answer, ensure_ascii=False, escape_forward_slashes=False).encode()

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document of the registered routes."""
        from .openapi import document

        return document(self.title, self.version, self.routes)

    def _openapi_route(self) -> Response:
        return Response.json(self.openapi())


#: Header names HttpStream has found to be HTTP tokens (most answers reuse a few); bounded.
#: A JSON answer's own is known: the first one checks nothing (nor compiles HttpStream's rules).
_TOKEN_NAMES: set[str] = {"content-type"}
_TOKEN_NAMES_KEPT = 256


def _check_head(response: Response) -> None:
    """Refuse (ValueError) a status, header or cookie that cannot be sent as it is: HttpStream's
    checks, skipped for known names whose values have no control character."""
    status = response.status_code
    headers = response.headers
    plain = not response.cookies and status.__class__ is int and 200 <= status <= 599
    if plain:
        for name, value in headers.items():
            if name not in _TOKEN_NAMES or value.__class__ is not str or not value.isprintable():
                plain = False
                break
    if not plain:
        check_http_head(status, headers, response.cookies, "Response")
        if len(_TOKEN_NAMES) < _TOKEN_NAMES_KEPT:
            _TOKEN_NAMES.update(headers)


def _allowed(methods: dict[str, Route]) -> list[str]:
    allowed = set(methods)
    if "GET" in allowed:
        allowed.add("HEAD")
    return sorted(allowed)


def _internal_error(request: Request, exc: Exception) -> Response:
    """500, the exception logged with its stack; the body says nothing of it."""
    logger.error("http.route_error", method=request.method,
                 **log_fields(exception_payload(exc)))
    return Response(_INTERNAL, 500, {"content-type": "application/json"})


def gather(body: Any) -> bytes:
    """A streamed body whole, for a trigger that cannot stream."""
    if hasattr(body, "__aiter__"):
        from ..framework.async_loop import shared

        return shared().run(_gather_async(body))
    return b"".join(_chunk(item) for item in body)


async def _gather_async(body: Any) -> bytes:
    return b"".join([_chunk(item) async for item in body])


def _chunk(item: Any) -> bytes:
    if item.__class__ is bytes:
        return item
    if item.__class__ is str:
        return item.encode()
    raise TypeError(f"a streamed chunk must be bytes or str, got {type(item).__name__}")
