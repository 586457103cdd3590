"""A raw-socket Runtime API for `python -m bench streaming`: hands over events one at a time
and reads each answer as it arrives (chunked or not), timing its first body byte and its end.

Run in the benchmark's process (a thread): `StreamingApi().invoke(event)` returns the timings
of one invocation, measured from the moment the event was written to the runtime.
"""

from __future__ import annotations

import queue
import socket
import threading
import time


class Timing:
    __slots__ = ("body_bytes", "first_byte_s", "last_byte_s", "streamed")

    def __init__(self, first_byte_s: float, last_byte_s: float, body_bytes: int, streamed: bool):
        self.first_byte_s = first_byte_s
        self.last_byte_s = last_byte_s
        self.body_bytes = body_bytes
        self.streamed = streamed


class StreamingApi:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._events: queue.Queue[bytes] = queue.Queue()
        self._timings: queue.Queue[Timing] = queue.Queue()
        self._ids = 0
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._listener.getsockname()[1]}"

    def invoke(self, event: bytes, timeout: float = 120) -> Timing:
        self._events.put(event)
        return self._timings.get(timeout=timeout)

    def _serve(self) -> None:
        while True:
            sock, _ = self._listener.accept()
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._converse, args=(sock,), daemon=True).start()

    def _converse(self, sock: socket.socket) -> None:
        reader = sock.makefile("rb")
        handed_over = 0.0
        while True:
            line = reader.readline()
            if not line:
                return
            method = line.split(b" ", 1)[0]
            headers = {}
            while (header := reader.readline()) not in (b"\r\n", b""):
                name, _, value = header.partition(b":")
                headers[name.strip().lower()] = value.strip()
            if method == b"GET":
                event = self._events.get()
                self._ids += 1
                sock.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Lambda-Runtime-Aws-Request-Id: bench-%d\r\n"
                    b"Lambda-Runtime-Deadline-Ms: %d\r\nContent-Length: %d\r\n\r\n%s"
                    % (self._ids, int(time.time() * 1000) + 600_000, len(event), event)
                )
                handed_over = time.perf_counter()
                continue
            if headers.get(b"transfer-encoding") == b"chunked":
                timing = self._read_chunked(reader, handed_over)
            else:
                body = reader.read(int(headers.get(b"content-length", b"0")))
                done = time.perf_counter() - handed_over
                timing = Timing(done, done, len(body), False)
            sock.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")
            self._timings.put(timing)

    @staticmethod
    def _read_chunked(reader, handed_over: float) -> Timing:
        first = 0.0
        total = 0
        while True:
            size = int(reader.readline().split(b";")[0], 16)
            if size == 0:
                while reader.readline() not in (b"\r\n", b""):
                    pass  # trailers
                break
            remaining = size
            while remaining:  # read and drop: nothing is kept
                remaining -= len(reader.read(min(remaining, 1 << 20)))
            reader.readline()
            if not first:
                first = time.perf_counter() - handed_over
            total += size
        return Timing(first, time.perf_counter() - handed_over, total, True)
