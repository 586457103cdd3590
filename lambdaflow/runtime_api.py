"""The Runtime API client: one pooled urllib3 connection, next/respond/fail/init_error.

urllib3's HTTPConnectionPool owns the connection: it creates it with its socket options
(TCP_NODELAY), and `connect()` brings it back after the peer drops it. Each call's request head
is prebuilt bytes and the reply is framed by `wire`, because urllib3's request and response
objects cost several times the whole round trip (see wire's docstring for the figures).
"""

from __future__ import annotations

import select
import socket
import time
from io import BufferedReader
from typing import Any, Protocol

import ujson
import urllib3
from urllib3.connectionpool import HTTPConnectionPool

from . import __version__, wire
from .errors import header_error_type
from .logging import logger

API_VERSION = "2018-06-01"
CONNECT_TIMEOUT_S = 2.0
#: Reconnect attempts for one call before the runtime gives up and exits.
MAX_ATTEMPTS = 8
BACKOFF_FIRST_S = 0.01
BACKOFF_MAX_S = 1.0
#: Bodies larger than this are sent after the head instead of copied into one buffer.
COALESCE_LIMIT = 64 * 1024


class RuntimeApiUnavailable(Exception):
    """The Runtime API is unreachable after bounded retries, or refuses to serve: exit."""


class Interrupt(Protocol):
    """Something to wait on beside the Runtime API while idle (the shutdown signal)."""

    def fileno(self) -> int: ...

    def is_set(self) -> bool:
        """Called when fileno() is readable: True to stop waiting."""
        ...


class _Interrupted(Exception):
    """Internal: the wait for /next's reply was cut short by an Interrupt."""


class Invocation:
    """An event handed over by /next, with the headers the Context is built from."""

    __slots__ = ("arrived_ns", "body", "headers", "request_id")

    def __init__(
        self, request_id: str, headers: dict[bytes, bytes], body: bytes, arrived_ns: int
    ) -> None:
        self.request_id = request_id
        self.headers = headers
        self.body = body
        #: perf_counter_ns() when the /next reply started to arrive (idle waiting ends here).
        self.arrived_ns = arrived_ns


def connection_pool(address: str) -> HTTPConnectionPool:
    """A one-connection keep-alive pool to `host:port`: no read timeout, no urllib3 retries."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise RuntimeApiUnavailable(f"AWS_LAMBDA_RUNTIME_API is not host:port: {address!r}")
    return HTTPConnectionPool(
        host,
        int(port),
        maxsize=1,
        timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT_S, read=None),
        retries=False,
    )


class RuntimeApiClient:
    """Talks to `AWS_LAMBDA_RUNTIME_API` over one keep-alive connection, no read timeout.

    Not thread-safe: one client per invocation loop (concurrent loops each get their own).
    """

    def __init__(self, address: str) -> None:
        self.address = address
        self._pool = connection_pool(address)
        self._conn = self._pool._get_conn()
        self._reader: BufferedReader | None = None
        common = f"HTTP/1.1\r\nHost: {address}\r\nUser-Agent: lambdaflow/{__version__}\r\n"
        self._common = common.encode()
        self._next_request = (
            f"GET /{API_VERSION}/runtime/invocation/next ".encode() + self._common + b"\r\n"
        )
        self._invocation_prefix = f"POST /{API_VERSION}/runtime/invocation/".encode()
        self._init_error_path = f"/{API_VERSION}/runtime/init/error".encode()

    # -- the calls -------------------------------------------------------------------------

    def next(self, interrupt: Interrupt | None = None) -> Invocation | None:
        """Block until Lambda hands over the next event (Lambda freezes us while we wait).

        Returns None if `interrupt` is set before the reply starts to arrive; a reply that has
        started is always read, so no event is ever taken and dropped.
        """
        try:
            reply = self._exchange(self._next_request, b"", interrupt)
        except _Interrupted:
            return None
        if reply.status != 200:  # e.g. 403 after an init error: no event will ever come
            raise RuntimeApiUnavailable(
                f"/next answered {reply.status}: {reply.body[:200].decode(errors='replace')}"
            )
        request_id = reply.headers.get(b"lambda-runtime-aws-request-id")
        if not request_id:
            raise RuntimeApiUnavailable("/next answered without Lambda-Runtime-Aws-Request-Id")
        return Invocation(request_id.decode("latin-1"), reply.headers, reply.body, reply.arrived_ns)

    def respond(self, request_id: str, body: bytes) -> wire.Response:
        """POST the result; the caller maps 413/403 (the reply is returned, not raised)."""
        head = b"%s%s/response %sContent-Type: application/json\r\n" % (
            self._invocation_prefix,
            request_id.encode("latin-1"),
            self._common,
        )
        return self._post(head, body)

    def fail(self, request_id: str, payload: dict[str, Any]) -> wire.Response:
        """POST an error payload (`errors.exception_payload`) as the invocation's answer."""
        head = b"%s%s/error %s%s" % (
            self._invocation_prefix,
            request_id.encode("latin-1"),
            self._common,
            _error_headers(payload),
        )
        return self._post(head, _error_body(payload))

    def init_error(self, payload: dict[str, Any]) -> wire.Response:
        """POST /runtime/init/error: the function could not start."""
        head = b"POST %s %s%s" % (self._init_error_path, self._common, _error_headers(payload))
        return self._post(head, _error_body(payload))

    def register_extension(self, name: str) -> wire.Response:
        """POST /2020-01-01/extension/register for an internal extension with no events."""
        head = b"POST /2020-01-01/extension/register %sLambda-Extension-Name: %s\r\n" % (
            self._common,
            name.encode("ascii"),
        )
        return self._post(head + b"Content-Type: application/json\r\n", b'{"events":[]}')

    # -- transport -------------------------------------------------------------------------

    def _post(self, head: bytes, body: bytes) -> wire.Response:
        # A retried POST can at worst reach the Runtime API twice for one id, and it refuses
        # the second with 403: the caller never gets two answers.
        return self._exchange(head + b"Content-Length: %d\r\n\r\n" % len(body), body)

    def _exchange(
        self, head: bytes, body: bytes, interrupt: Interrupt | None = None
    ) -> wire.Response:
        """Send one request and read its reply, reconnecting with bounded backoff."""
        delay = BACKOFF_FIRST_S
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if attempt > 1:
                time.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX_S)
            try:
                return self._send(head, body, interrupt)
            except (OSError, wire.ProtocolError, urllib3.exceptions.HTTPError) as exc:
                self._disconnect()
                problem = f"{type(exc).__name__}: {exc}"
            logger.warning(
                "runtime_api.retry", address=self.address, attempt=attempt, problem=problem
            )
        raise RuntimeApiUnavailable(
            f"Runtime API at {self.address} failed {MAX_ATTEMPTS} times; last: {problem}"
        )

    def _send(self, head: bytes, body: bytes, interrupt: Interrupt | None) -> wire.Response:
        reader = self._reader or self._connect()
        sock = self._conn.sock
        if len(body) <= COALESCE_LIMIT:
            sock.sendall(head + body)
        else:
            sock.sendall(head)
            sock.sendall(body)
        if interrupt is not None:
            _wait_for_reply(sock, interrupt)
        reply = wire.read_response(reader)
        if reply.status >= 500:
            # The Runtime API's contract: "Container error. Non-recoverable state. Runtime
            # should exit promptly."
            raise RuntimeApiUnavailable(
                f"the Runtime API answered {reply.status} (non-recoverable): "
                + reply.body[:200].decode(errors="replace")
            )
        if reply.close:
            self._disconnect()
        return reply

    def _connect(self) -> BufferedReader:
        self._conn.connect()
        sock = self._conn.sock
        sock.settimeout(None)
        self._reader = sock.makefile("rb")
        return self._reader

    def _disconnect(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self._conn.close()


def _wait_for_reply(sock: socket.socket, interrupt: Interrupt) -> None:
    """Wait until the reply starts to arrive, or raise _Interrupted when told to stop.

    The reader holds no unread bytes here: every reply is read whole before the next request.
    """
    while True:
        readable, _, _ = select.select([sock, interrupt], [], [])
        if sock in readable:
            return
        if interrupt.is_set():
            raise _Interrupted


def _error_headers(payload: dict[str, Any]) -> bytes:
    return (
        b"Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: "
        + header_error_type(payload["errorType"]).encode("ascii")
        + b"\r\n"
    )


def _error_body(payload: dict[str, Any]) -> bytes:
    # ASCII-escaped: a message with lone surrogates must still be sendable as UTF-8
    return ujson.dumps(payload, escape_forward_slashes=False).encode()
