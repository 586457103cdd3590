"""A Runtime API that serves many /next at once, for measuring concurrent runtimes in process.

A thread per connection, raw sockets (`raw_http`). Callers `invoke(body)` from their own
threads and block until the runtime answers; `parked` counts the /next calls waiting for an
event right now, so a driver can time "spawn to all N slots ready". The extension register
call is accepted and its event/next parked, as Lambda does. Not a test double: it checks
nothing beyond routing each answer to its caller.
"""

from __future__ import annotations

import itertools
import queue
import socket
import threading
from concurrent.futures import Future

from bench.toys.raw_http import read_message

ACCEPTED = b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
REGISTERED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Lambda-Extension-Identifier: 00000000-0000-4000-8000-000000000000\r\n"
    b"Content-Length: 2\r\n\r\n{}"
)
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
DEADLINE_MS = b"4102444800000"  # 2100-01-01: no deadline in the window


def _event_reply(request_id: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Lambda-Runtime-Aws-Request-Id: " + request_id + b"\r\n"
        b"Lambda-Runtime-Deadline-Ms: " + DEADLINE_MS + b"\r\n"
        b"Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:c\r\n"
        b"Lambda-Runtime-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body) + body
    )


class ConcurrentRuntimeApi:
    """`with ConcurrentRuntimeApi() as api:`; `api.address` goes in AWS_LAMBDA_RUNTIME_API."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.address = f"127.0.0.1:{self._listener.getsockname()[1]}"
        self._events: queue.Queue[tuple[bytes, bytes]] = queue.Queue()
        self._answers: dict[bytes, Future[bytes]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Condition()
        self.parked = 0
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self) -> ConcurrentRuntimeApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed.set()
        self._listener.close()

    def invoke(self, body: bytes) -> bytes:
        """Hand `body` to the next free /next and wait for its answer's body."""
        request_id = b"00000000-0000-4000-8000-%012d" % next(self._ids)
        answer: Future[bytes] = Future()
        self._answers[request_id] = answer
        self._events.put((request_id, body))
        return answer.result()

    def wait_parked(self, count: int, timeout: float) -> bool:
        """Until `count` /next calls wait at once (the runtime's slots are all ready)."""
        with self._lock:
            return self._lock.wait_for(lambda: self.parked >= count, timeout)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        reader = connection.makefile("rb")
        with connection:
            while (message := read_message(reader)) is not None:
                start_line, _headers, body = message
                method, path = start_line.split(b" ", 2)[:2]
                if path.endswith(b"/invocation/next"):
                    connection.sendall(_event_reply(*self._next_event()))
                elif method == b"POST" and path.startswith(b"/2018-06-01/runtime/invocation/"):
                    request_id = path.split(b"/")[4]
                    future = self._answers.pop(request_id, None)
                    connection.sendall(ACCEPTED)
                    if future is not None:
                        future.set_result(body)
                elif path.endswith(b"/extension/register"):
                    connection.sendall(REGISTERED)
                elif path.endswith(b"/extension/event/next"):
                    self._closed.wait()  # parked for the life of the environment
                    return
                else:
                    connection.sendall(NOT_FOUND)

    def _next_event(self) -> tuple[bytes, bytes]:
        with self._lock:
            self.parked += 1
            self._lock.notify_all()
        try:
            return self._events.get()
        finally:
            with self._lock:
                self.parked -= 1
