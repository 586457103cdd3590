"""The ASGI bridge: any ASGI 3 application (Starlette, FastAPI) as a lambdaflow handler.

    app.handler(asgi(starlette_app))

Each HTTP event becomes one `http` scope on the process's one event loop; the app's answer goes
back in the trigger's shape. An answer whose first body message says more is coming
(`StreamingResponse`, server-sent events) streams chunk by chunk where the trigger streams
(Function URL RESPONSE_STREAM), and is gathered whole elsewhere. The lifespan protocol runs
its startup during init (a failure is an init error) and its shutdown at the shutdown hook.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import ujson

from ..errors import exception_payload, log_fields
from ..framework.context import Context
from ..framework.streaming import HttpStream
from ..observability.runtime_log import logger
from .request import Request, read
from .triggers import request_for, streaming_triggers, url_parse

ASGIApp = Callable[[dict[str, Any], Callable[..., Any], Callable[..., Any]], Any]
_INTERNAL = (
    500, [("content-type", "application/json")], [], b'{"message":"Internal Server Error"}'
)
_LIFESPAN_MODES = ("auto", "on", "off")


class LifespanFailed(RuntimeError):
    """The app's lifespan startup failed: raised by the cold_start hook, an init error."""


class _Ended:
    """The app's coroutine returned (`error` None) or raised."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


class ASGIHandler:
    """What `asgi(app)` returns; `app.handler(...)` registers its handler and lifespan hooks."""

    def __init__(self, app: ASGIApp, *, lifespan: str = "auto", stream: bool = True,
                 stream_rest_api: bool = False) -> None:
        if lifespan not in _LIFESPAN_MODES:
            raise ValueError(f"lifespan must be one of {', '.join(_LIFESPAN_MODES)}")
        self.app = app
        self.lifespan = lifespan
        self._streams = streaming_triggers(stream, stream_rest_api)
        self.state: dict[str, Any] = {}
        self._lifespan_task: asyncio.Task[None] | None = None
        self._to_app: asyncio.Queue[dict[str, Any]] | None = None
        self._from_app: asyncio.Queue[Any] | None = None

    def __lambdaflow_register__(self, app: Any) -> None:
        app.handler(self.handle)
        if self.lifespan != "off":
            app.cold_start(self.startup)
            app.shutdown(self.shutdown)

    # -- lifespan -------------------------------------------------------------------------

    async def startup(self) -> None:
        """Run the lifespan startup; `lifespan.startup.failed` is an init error. An app that
        does not speak lifespan (it raises or returns at once) is served without it ("auto")."""
        self._to_app = asyncio.Queue()
        self._from_app = asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
                 "state": self.state}
        self._lifespan_task = asyncio.get_running_loop().create_task(self._run_lifespan(scope))
        await self._to_app.put({"type": "lifespan.startup"})
        message = await self._from_app.get()
        if message.__class__ is _Ended:
            self._lifespan_task = None
            if self.lifespan == "on":
                raise LifespanFailed(f"the ASGI app ended its lifespan before startup completed"
                                     f" ({message.error!r})")
            logger.debug("asgi.lifespan_unsupported")
            return
        if message["type"] == "lifespan.startup.failed":
            raise LifespanFailed(f"ASGI lifespan startup failed: {message.get('message', '')}")

    async def shutdown(self) -> None:
        """Run the lifespan shutdown (within the shutdown hooks' budget)."""
        task, self._lifespan_task = self._lifespan_task, None
        if task is None or task.done() or self._to_app is None or self._from_app is None:
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        message = await self._from_app.get()
        if message.__class__ is not _Ended and message["type"] == "lifespan.shutdown.failed":
            logger.error("asgi.lifespan_shutdown_failed", message=message.get("message", ""))

    async def _run_lifespan(self, scope: dict[str, Any]) -> None:
        assert self._to_app is not None and self._from_app is not None
        try:
            await self.app(scope, self._to_app.get, self._from_app.put)
        except Exception as exc:
            await self._from_app.put(_Ended(exc))
        else:
            await self._from_app.put(_Ended(None))

    # -- requests -------------------------------------------------------------------------

    async def handle(self, event: dict, context: Context) -> Any:  # type: ignore[type-arg]
        """Serve one HTTP event through the app: the trigger's answer (JSON bytes), or an
        HttpStream for a streamed answer to a trigger that streams."""
        request = request_for(event, context)
        scope = self._scope(request)
        if request.trigger in self._streams and request.method != "HEAD":
            return await self._maybe_streamed(request, scope)
        answer = _Gathered(request.body)
        try:  # awaited in place: no task, no queue, for a trigger that cannot stream anyway
            await self.app(scope, answer.receive, answer.send)
        except Exception as exc:
            _log_error(exc)
            if not answer.complete:
                return _reply(request, *_INTERNAL)
        if not answer.complete:
            _log_error(RuntimeError("the ASGI app returned before its answer ended"))
            return _reply(request, *_INTERNAL)
        return _reply(request, answer.status, answer.headers, answer.cookies,
                      b"".join(answer.body))

    async def _maybe_streamed(self, request: Request, scope: dict[str, Any]) -> Any:
        """The app as a task of its own: an answer that says more is coming streams while the
        app goes on producing it; one that does not is answered whole."""
        exchange = _Exchange(request.body)
        task = asyncio.get_running_loop().create_task(exchange.run(self.app, scope))
        try:
            status, headers, cookies, first, more = await exchange.head()
        except Exception as exc:
            exchange.finish(task)
            _log_error(exc)
            return _reply(request, *_INTERNAL)
        except BaseException:
            exchange.finish(task)
            raise
        if more:
            joined: dict[str, str] = {}
            for name, value in headers:
                joined[name] = f"{joined[name]},{value}" if name in joined else value
            return HttpStream(status, joined, cookies, exchange.rest(first, task))
        await exchange.complete(task)
        return _reply(request, status, headers, cookies, first)

    def _scope(self, request: Request) -> dict[str, Any]:
        headers = request.headers
        raw = [(name.encode(), value.encode()) for name, value in headers.items()]
        if "cookie" not in headers:  # payload 2.0 has its cookies apart
            cookies = read(request, "cookies",
                           lambda event: "; ".join(request.trigger.cookies(event, headers)))
            if cookies:
                raw.append((b"cookie", cookies.encode()))
        port = headers.get("x-forwarded-port", "")
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": headers.get("x-forwarded-proto", "https"),
            "path": request.path,
            "raw_path": _raw_path(request.path),
            "query_string": request.raw_query.encode(),
            "root_path": "",
            "headers": raw,
            "client": (request.source_ip, 0),
            "server": (headers.get("host", "localhost").partition(":")[0],
                       int(port) if port.isdigit() and len(port) < 6 else 443),
            "state": self.state.copy() if self.state else {},
            "aws.event": request.event,
            "aws.context": request.context,
        }


class _Exchange:
    """One request's conversation with the app: the body in, the answer's messages out."""

    __slots__ = ("_body", "_done", "_messages", "_request_sent")

    def __init__(self, body: bytes) -> None:
        self._body = body
        self._request_sent = False
        self._messages: asyncio.Queue[Any] = asyncio.Queue()
        self._done = asyncio.Event()

    async def run(self, app: ASGIApp, scope: dict[str, Any]) -> None:
        try:
            await app(scope, self._receive, self._messages.put)
        except Exception as exc:
            await self._messages.put(_Ended(exc))
        else:
            await self._messages.put(_Ended(None))

    async def _receive(self) -> dict[str, Any]:
        if not self._request_sent:
            self._request_sent = True
            return {"type": "http.request", "body": self._body, "more_body": False}
        await self._done.wait()  # the answer is complete (or the caller went away)
        return {"type": "http.disconnect"}

    async def _next(self) -> dict[str, Any]:
        message = await self._messages.get()
        if message.__class__ is _Ended:
            raise message.error or RuntimeError("the ASGI app returned before its answer ended")
        return message

    async def head(self) -> tuple[int, list[tuple[str, str]], list[str], bytes, bool]:
        """(status, headers, cookies, first body chunk, whether more is coming)."""
        status, headers, cookies = _start(await self._next())
        body = await self._next()
        return status, headers, cookies, bytes(body.get("body", b"")), bool(body.get("more_body"))

    async def rest(self, first: bytes, task: asyncio.Task[None]) -> AsyncIterator[bytes]:
        """The body's chunks after the head; the app is cancelled if the stream is cut."""
        ended = False
        try:
            if first:
                yield first
            while True:
                message = await self._next()
                chunk = message.get("body", b"")
                if chunk:
                    yield bytes(chunk)
                if not message.get("more_body"):
                    ended = True
                    break
        finally:
            if not ended:
                self.finish(task)
        await self.complete(task)

    async def complete(self, task: asyncio.Task[None]) -> None:
        """The answer is whole: the app sees a disconnect and runs to its end (background
        tasks included); what it raises after answering is logged."""
        self._done.set()
        await task
        while not self._messages.empty():
            message = self._messages.get_nowait()
            if message.__class__ is _Ended and message.error is not None:
                _log_error(message.error)

    def finish(self, task: asyncio.Task[None]) -> None:
        """The answer was cut or failed: the app sees a disconnect and is cancelled."""
        self._done.set()
        if not task.done():
            task.cancel()


class _Gathered:
    """The conversation of an app awaited in place: its answer's messages gathered."""

    __slots__ = ("_done", "_request", "body", "complete", "cookies", "headers", "status")

    def __init__(self, body: bytes) -> None:
        self._request: dict[str, Any] | None = {
            "type": "http.request", "body": body, "more_body": False
        }
        self._done: asyncio.Event | None = None
        self.status = 500
        self.headers: list[tuple[str, str]] = []
        self.cookies: list[str] = []
        self.body: list[bytes] = []
        self.complete = False

    async def receive(self) -> dict[str, Any]:
        request, self._request = self._request, None
        if request is not None:
            return request
        if not self.complete:  # a disconnect listener: it hears one once the answer is whole
            self._done = self._done or asyncio.Event()
            await self._done.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status, self.headers, self.cookies = _start(message)
        elif kind == "http.response.body":
            chunk = message.get("body", b"")
            if chunk:
                self.body.append(bytes(chunk))
            if not message.get("more_body"):
                self.complete = True
                if self._done is not None:
                    self._done.set()


def _start(message: dict[str, Any]) -> tuple[int, list[tuple[str, str]], list[str]]:
    """(status, headers, Set-Cookie values) of an `http.response.start` message."""
    if message["type"] != "http.response.start":
        raise RuntimeError(f"the ASGI app sent {message['type']!r} before http.response.start")
    headers: list[tuple[str, str]] = []
    cookies: list[str] = []
    for name, value in message.get("headers", ()):
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        if key == "set-cookie":
            cookies.append(text)
        else:
            headers.append((key, text))
    return message["status"], headers, cookies


#: Characters a decoded path may hold that its raw (percent-encoded) form may not.
_ENCODED_IN_RAW_PATH = frozenset(" %?#")


def _raw_path(path: str) -> bytes:
    """The path as the client sent it (percent-encoded), as ASGI's `raw_path` has it."""
    if path.isascii() and path.isprintable() and _ENCODED_IN_RAW_PATH.isdisjoint(path):
        return path.encode()
    return url_parse().quote(path).encode()


def _log_error(exc: BaseException) -> None:
    logger.error("asgi.app_error", **log_fields(exception_payload(exc)))


def _reply(request: Request, status: int, headers: list[tuple[str, str]], cookies: list[str],
           body: bytes) -> bytes:
    if request.method == "HEAD":
        body = b""
    answer = request.trigger.reply(status, headers, cookies, body)
    return ujson.dumps(answer, ensure_ascii=False, escape_forward_slashes=False).encode()


def asgi(app: ASGIApp, *, lifespan: str = "auto", stream: bool = True,
         stream_rest_api: bool = False) -> ASGIHandler:
    """A handler for `app.handler(...)` that serves the ASGI 3 application `app`.

    `lifespan`: "auto" (run it if the app speaks it), "on" (an app that does not is an init
    error) or "off". `stream`: streamed answers stream through Function URLs (invoke mode
    RESPONSE_STREAM; False: BUFFERED); `stream_rest_api`: and to REST APIs whose integration
    streams.
    """
    return ASGIHandler(app, lifespan=lifespan, stream=stream, stream_rest_api=stream_rest_api)
