"""A small, real Runtime API server on loopback: feeds events, records what the runtime posts.

Threaded http.server speaking HTTP/1.1 keep-alive, so the runtime's connection handling
(reuse, reconnects) is exercised for real. Tests queue events with `invoke()` and get back
what the runtime POSTed for that request id.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import queue
import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

PREFIX = "/2018-06-01/runtime"
DROPPED = 0  # status of a recorded POST whose connection was cut before it was read
EXTENSION_REGISTER = "/2020-01-01/extension/register"
EXTENSION_EVENT_NEXT = "/2020-01-01/extension/event/next"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"


@attrs.define
class Posted:
    """One POST the runtime made: which endpoint, its headers and body."""

    kind: str  # "response", "error" or "init_error"
    request_id: str | None
    headers: dict[str, str]
    body: bytes
    status: int = 202

    def json(self) -> Any:
        return json.loads(self.body)


@attrs.define
class Event:
    request_id: str
    body: bytes
    headers: dict[str, str]
    #: Applied once, by the /next that dequeues this event (see FakeRuntimeApi.faults).
    fault: str | None = None


class FakeRuntimeApi:
    """Start with `with FakeRuntimeApi() as api:`; `api.address` goes in AWS_LAMBDA_RUNTIME_API."""

    def __init__(self) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.sent: list[Event] = []  # every event queued, for checking what the runtime saw
        self.posts: list[Posted] = []
        self.connections = 0
        #: Connections that carried /next or invocation posts (not the extension's).
        self.invocation_connections = 0
        self.response_status = 202
        #: Faults on /next travel with an event (`queue_event(..., fault=...)`): "500", "403",
        #: "garbage", "drop" (the event is then served to the retry), or "trickle" (the reply in
        #: two parts 0.5 s apart; `trickling` is set in between). Faults on POST /response are
        #: consumed in order: "drop_before_read", "drop_after_record". Every POST attempt is
        #: recorded, dropped (status 0) and refused (403) ones included.
        self.trickling = threading.Event()
        self.faults: dict[str, list[str]] = {"response": []}
        self.extensions_supported = True
        self.extension_names: list[str] = []
        self.extension_waiting = threading.Event()
        self._arrived = threading.Condition()
        self._ids = itertools.count(1)
        self._open_sockets: set[socket.socket] = set()
        self._listen(0)

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def __enter__(self) -> FakeRuntimeApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _listen(self, port: int) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def outage(self, seconds: float) -> None:
        """Go away (connections cut, new ones refused), then listen on the same port again."""
        port = self._server.server_address[1]
        self.go_away()
        time.sleep(seconds)
        self._listen(port)

    def go_away(self) -> None:
        """Stop for good, as a stopped RIE does: connections cut, new ones refused."""
        self._server.shutdown()
        self._server.server_close()
        for sock in list(self._open_sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    # -- test-facing API -------------------------------------------------------------------

    def queue_event(
        self, body: bytes, headers: dict[str, str] | None = None, fault: str | None = None
    ) -> str:
        request_id = f"req-{next(self._ids):06d}"
        deadline = str(int(time.time() * 1000) + 30_000)
        all_headers = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Deadline-Ms": deadline,
            "Lambda-Runtime-Invoked-Function-Arn": FUNCTION_ARN,
        }
        all_headers.update(headers or {})
        event = Event(request_id, body, all_headers, fault)
        self.sent.append(event)
        self.events.put(event)
        return request_id

    def wait_for(
        self, request_id: str | None, kind: str | None = None, timeout: float = 20
    ) -> Posted:
        """Block until the runtime posts for `request_id` (None: the init error)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for post in self.posts:
                    if (
                        post.request_id == request_id
                        and post.status not in (DROPPED, 403)
                        and (kind is None or post.kind == kind)
                    ):
                        return post
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no post for {request_id} within {timeout}s: {self.posts}")
                self._arrived.wait(remaining)

    def invoke(self, body: bytes, headers: dict[str, str] | None = None) -> Posted:
        return self.wait_for(self.queue_event(body, headers))

    # -- server side -----------------------------------------------------------------------

    def _record(self, post: Posted) -> None:
        with self._arrived:
            self.posts.append(post)
            self._arrived.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # headers and body go out as separate writes: without this, Nagle holds the
                # body back until the client's delayed ACK, ~40 ms per reply
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                api.connections += 1
                api._open_sockets.add(self.request)

            def finish(self) -> None:
                api._open_sockets.discard(self.request)
                with contextlib.suppress(OSError):  # the connection was cut by an outage
                    super().finish()

            def log_message(self, *args: object) -> None:
                pass

            def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _count_invocation_connection(self) -> None:
                if not getattr(self, "counted", False):
                    self.counted = True
                    api.invocation_connections += 1

            def _inject(self, kind: str) -> str | None:
                return api.faults[kind].pop(0) if api.faults[kind] else None

            def _drop(self) -> None:
                self.close_connection = True
                self.request.shutdown(socket.SHUT_RDWR)

            def do_GET(self) -> None:
                if self.path == EXTENSION_EVENT_NEXT and api.extensions_supported:
                    api.extension_waiting.set()
                    while not self._client_gone():  # parked for the life of the runtime
                        time.sleep(0.05)
                    return
                if self.path != f"{PREFIX}/invocation/next":
                    self._reply(404, b'{"errorType":"NotFound"}')
                    return
                self._count_invocation_connection()
                while True:  # long-poll, but give up on a runtime that went away
                    try:
                        event = api.events.get(timeout=0.05)
                    except queue.Empty:
                        if self._client_gone():
                            return
                        continue
                    if self._client_gone():
                        api.events.put(event)  # for the runtime that replaced this one
                        return
                    break
                fault, event.fault = event.fault, None
                if fault in ("500", "403", "garbage", "drop"):
                    api.events.put(event)  # for the retry, if the runtime makes one
                if fault in ("500", "403"):
                    self._reply(int(fault), b'{"errorType":"InjectedFault"}')
                elif fault == "garbage":
                    self.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
                    self._drop()
                elif fault == "drop":
                    self._drop()
                elif fault == "trickle":
                    self._trickle(event)
                else:
                    self._reply(200, event.body, event.headers)

            def _trickle(self, event: Event) -> None:
                self.send_response(200)
                for name, value in event.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(event.body)))
                self.end_headers()
                self.wfile.write(event.body[:1])
                api.trickling.set()
                time.sleep(0.5)
                self.wfile.write(event.body[1:])

            def _client_gone(self) -> bool:
                readable, _, _ = select.select([self.request], [], [], 0)
                try:
                    return bool(readable) and self.request.recv(1, socket.MSG_PEEK) == b""
                except ConnectionResetError:  # killed with a reply unread: RST, not FIN
                    return True

            def do_POST(self) -> None:
                parts = self.path[len(PREFIX) :].strip("/").split("/")
                headers = {name.lower(): value for name, value in self.headers.items()}
                fault = self._inject("response") if self.path.endswith("/response") else None
                if fault == "drop_before_read":
                    api._record(Posted("response", parts[1], headers, b"", DROPPED))
                    self._drop()
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path == EXTENSION_REGISTER:
                    if not api.extensions_supported:
                        self._reply(404, b"404 page not found")
                        return
                    api.extension_names.append(headers.get("lambda-extension-name", ""))
                    self._reply(200, b"{}", {"Lambda-Extension-Identifier": "ext-1"})
                    return
                if self.path == f"{PREFIX}/init/error":
                    api._record(Posted("init_error", None, headers, body))
                    self._reply(202, b'{"status":"OK"}')
                    return
                self._count_invocation_connection()
                if (
                    len(parts) != 3
                    or parts[0] != "invocation"
                    or parts[2] not in ("response", "error")
                ):
                    self._reply(404, b'{"errorType":"NotFound"}')
                    return
                if any(p.request_id == parts[1] and p.status == 202 for p in api.posts):
                    api._record(Posted(parts[2], parts[1], headers, body, 403))
                    self._reply(403, b'{"errorType":"InvalidStateTransition"}')
                    return
                status = api.response_status if parts[2] == "response" else 202
                api._record(Posted(parts[2], parts[1], headers, body, status))
                if fault == "drop_after_record":
                    self._drop()
                    return
                self._reply(status, b'{"status":"OK"}')

        return Handler
