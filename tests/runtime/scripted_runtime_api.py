"""A raw-socket Runtime API whose every reply a test can script: for hostile-reply tests.

Unlike `fake_runtime_api` (http.server, well-behaved), this writes bytes exactly as a test says,
and records when each request arrived and on which connection, so a test can tell whether the
runtime sent /next before it had the 202 of its answer.

A chunked request (a streamed response) is recorded as soon as its head arrives, and each chunk
as it arrives (`Request.chunks`, `chunk_times`); `trailers` is set once the body is complete, and
only then is the request answered.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from collections.abc import Callable

import attrs

NEXT_PATH = "/2018-06-01/runtime/invocation/next"
RESTORE_NEXT_PATH = "/2018-06-01/runtime/restore/next"
RESTORED = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n"
ACCEPTED = (
    b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n"
    b'{"status":"OK"}\n'
)


@attrs.define
class Request:
    connection: int
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = attrs.field(factory=time.monotonic)
    #: A chunked body's chunks and when each arrived (monotonic), as they arrive.
    chunks: list[bytes] = attrs.field(factory=list)
    chunk_times: list[float] = attrs.field(factory=list)
    #: A chunked body's size so far (its chunks are dropped with `ScriptedApi(keep_chunks=False)`).
    received: int = 0
    #: A chunked body's trailers, once it is complete; None until then.
    trailers: dict[str, str] | None = None

    @property
    def answer_id(self) -> str | None:
        """The request id of an invocation answer (/response or /error), else None."""
        parts = self.path.split("/")
        if self.method == "POST" and len(parts) == 6 and parts[3] == "invocation":
            return parts[4]
        return None


def event_reply(request_id: bytes, body: bytes = b"{}", headers: bytes = b"") -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Lambda-Runtime-Aws-Request-Id: " + request_id + b"\r\n"
        b"Lambda-Runtime-Deadline-Ms: %d\r\n" % (int(time.time() * 1000) + 30_000)
        + b"Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:1:function:fn\r\n"
        + headers + b"Content-Length: %d\r\n\r\n" % len(body) + body
    )


class Peer:
    """One accepted connection: `send` raw bytes, `hold` a reply until the next request."""

    def __init__(self, sock: socket.socket, number: int) -> None:
        self.sock = sock
        self.number = number
        self.held: list[bytes] = []
        self.closed = False

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


Script = Callable[["ScriptedApi", Peer, Request], None]


class ScriptedApi:
    """`with ScriptedApi(script) as api:`; `api.events.put(raw /next reply bytes)`.

    `script(api, peer, request)` answers each request; `api.serve(peer, request)` is the
    well-behaved answer (an event from `events` for /next, 202 for a POST; SnapStart's
    restore/next once `restore` is set, which it is unless a test clears it to hold the
    "snapshot").
    """

    def __init__(self, script: Script | None = None, keep_chunks: bool = True) -> None:
        self.script = script or ScriptedApi.serve
        self.keep_chunks = keep_chunks
        self.events: queue.Queue[bytes] = queue.Queue()
        self.restore = threading.Event()
        self.restore.set()
        self.requests: list[Request] = []
        self._changed = threading.Condition()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._closing = False
        self._connections = 0
        #: Every accepted connection by number (Request.connection), to cut one from a test.
        self.peers: dict[int, Peer] = {}
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> ScriptedApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing = True
        self._listener.close()

    def serve(self, peer: Peer, request: Request) -> None:
        for held in peer.held:
            peer.send(held)
        peer.held.clear()
        if request.method == "GET" and request.path == NEXT_PATH:
            while not self._closing:
                try:
                    peer.send(self.events.get(timeout=0.1))
                    return
                except queue.Empty:
                    continue
        elif request.method == "GET" and request.path == RESTORE_NEXT_PATH:
            while not self._closing:
                if self.restore.wait(timeout=0.1):
                    peer.send(RESTORED)
                    return
        elif request.method == "GET":  # the extension's event/next: parked
            while not self._closing:
                time.sleep(0.1)
        else:
            peer.send(ACCEPTED)

    def answers(self) -> list[Request]:
        return [r for r in self.requests if r.answer_id is not None]

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def wait_for(self, predicate: Callable[[list[Request]], bool], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.requests):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"not seen within {timeout}s: {self.requests}")
                self._changed.wait(remaining)

    def wait_for_answers(self, count: int, timeout: float = 20) -> list[Request]:
        self.wait_for(lambda requests: len(self.answers()) >= count, timeout)
        return self.answers()

    def _read_chunks(self, reader, request: Request) -> bool:
        """Read a chunked body as it arrives; False if the connection ended inside it."""
        while True:
            size_line = reader.readline()
            if not size_line.endswith(b"\n"):
                return False
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            data = reader.read(size)
            if len(data) != size or reader.read(2) != b"\r\n":
                return False
            with self._changed:
                if self.keep_chunks:
                    request.chunks.append(data)
                request.chunk_times.append(time.monotonic())
                request.received += size
                self._changed.notify_all()
        trailers = {}
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            trailers[name.strip().lower()] = value.strip()
        with self._changed:
            request.body = b"".join(request.chunks)
            request.trailers = trailers
            self._changed.notify_all()
        return True

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._connections += 1
            peer = self.peers[self._connections] = Peer(sock, self._connections)
            threading.Thread(target=self._converse, args=(peer,), daemon=True).start()

    def _converse(self, peer: Peer) -> None:
        # OSError: the runtime went away; queue.Empty: a script waited for an event that
        # never came (the test is over)
        with contextlib.suppress(OSError, queue.Empty), peer.sock.makefile("rb") as reader:
            while True:
                line = reader.readline()
                if not line:
                    return
                method, path, _ = line.decode("latin-1").split(" ", 2)
                headers = {}
                while (header := reader.readline()) not in (b"\r\n", b""):
                    name, _, value = header.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                chunked = headers.get("transfer-encoding", "").lower() == "chunked"
                body = b"" if chunked else reader.read(int(headers.get("content-length", "0")))
                request = Request(peer.number, method, path, headers, body)
                with self._changed:
                    self.requests.append(request)
                    self._changed.notify_all()
                if chunked and not self._read_chunks(reader, request):
                    return
                self.script(self, peer, request)
                if peer.closed:  # requests the runtime sent after this one are lost
                    return
