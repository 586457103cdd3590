"""The one keep-alive connection to the Runtime API, with requests in flight on it.

HTTP/1.1 lets a client send its next request before the reply to the last one has arrived;
the loop uses that to ask for the next event without waiting idle for the 202 of its answer
(Lambda bills until /next arrives). So the connection keeps the requests whose replies it has
not read, in order, and when it is lost (or the peer says `Connection: close`, after which a
server reads nothing more) it reconnects and sends those again. Sending a POST again is safe:
a Runtime API that already has the answer refuses the copy with 403, so the caller never gets
two answers.

The socket is urllib3's `HTTPConnection`, through its public API (`connect()`, `sock`): urllib3
brings TCP_NODELAY and its connect timeout. Requests are written and replies framed (`replies`) on
the socket itself, because urllib3's request and response objects cost several times the whole
round trip. urllib3's pool (reached through `HTTPConnectionPool._get_conn()`, private) is not
used: a pool of one adds nothing to a connection kept for the life of the process, and building
it cost 22 us at start against 1.2 us for the HTTPConnection alone (timeit, 20,000 runs); per
invocation the two cost the same, since either way requests go straight onto the socket.

Except for an IP literal, which is what Lambda sets (`127.0.0.1:9001`): then the socket is the
stdlib's, with the same options. urllib3's connect encodes every host name with the IDNA codec,
importing `encodings.idna` and `stringprep` (~5.5 ms of cold start, `-X importtime`) to encode
an address that has no name; and urllib3 itself is then not imported at all before the first
response. That socket is `_socket`'s, the C type the stdlib's `socket.socket` wraps: importing
`socket` builds four IntEnums from the C module's constants and imports `selectors` (~2.5 ms of
cold start), and nothing here needs either. Replies are read through a BufferedReader over the
socket's `recv_into` (`_SocketReader`), for urllib3's socket as for this one.
"""

from __future__ import annotations

import _socket
import select
import time
from collections import deque
from collections.abc import Callable, Generator
from io import BufferedReader, RawIOBase

from .. import __version__
from ..observability.runtime_log import logger
from . import replies
from .api_requests import CHUNK_END, NEXT, chunk_head

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    class Interrupt(Protocol):
        """Something to wait on beside the Runtime API while idle (the shutdown signal)."""

        def fileno(self) -> int: ...

        def is_set(self) -> bool:
            """Called when fileno() is readable: True to stop waiting."""
            ...

    class Request(Protocol):
        """An `api_requests` value."""

        def render(self, common: bytes) -> tuple[bytes, bytes]: ...

CONNECT_TIMEOUT_S = 2.0
#: Reconnect attempts for one reply before the runtime gives up and exits.
MAX_ATTEMPTS = 8
BACKOFF_FIRST_S = 0.01
BACKOFF_MAX_S = 1.0
#: Bodies larger than this are sent after the head instead of copied into one buffer.
COALESCE_LIMIT = 64 * 1024


class RuntimeApiUnavailable(Exception):
    """The Runtime API is unreachable after bounded retries, or refuses to serve: exit."""


class RuntimeApiGone(RuntimeApiUnavailable):
    """The Runtime API that served this connection refuses connections through every retry:
    it has gone for good (the RIE or SAM CLI stopped, the environment is being torn down).
    The runtime runs its shutdown hooks and exits 0, without the retries' warnings."""


class StreamBroken(ConnectionError):
    """A streamed request's connection failed after its first bytes went out: the bytes are
    gone, and it is not sent again (the stream cannot be replayed)."""


def _refused(exc: BaseException) -> bool:
    """Nobody listens at the address (urllib3 wraps the OSError for a host name)."""
    while exc is not None:
        if isinstance(exc, ConnectionRefusedError):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise RuntimeApiUnavailable(f"AWS_LAMBDA_RUNTIME_API is not host:port: {address!r}")
    return host.strip("[]"), int(port)


class Connection:
    """One keep-alive connection; `send` requests, then `receive` their replies in order.

    Not thread-safe: one per invocation loop (and one for the extension's parked call).
    """

    def __init__(self, address: str, attempts: int = MAX_ATTEMPTS) -> None:
        self.address = address
        self.attempts = attempts
        host, port = split_address(address)
        self._socket: Any = _IpLiteralSocket(host, port) if _is_ip(host) else _urllib3(host, port)
        self._reader: BufferedReader | None = None
        #: Rendered requests sent (or to be sent again) whose replies are not read yet.
        self._in_flight: deque[tuple[bytes, bytes]] = deque()
        self.common = f"Host: {address}\r\nUser-Agent: lambdaflow/{__version__}\r\n".encode()
        #: The one /next request, rendered once (it carries no data).
        self._next = NEXT.render(self.common)
        #: A reply has been read: a Runtime API that then refuses connections has gone away.
        self._served = False

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def send(self, request: Request) -> None:
        """Write `request`; if that fails, it is sent again when its reply is awaited."""
        rendered = self._next if request is NEXT else request.render(self.common)
        self._in_flight.append(rendered)
        if self._reader is None:
            return  # `receive` connects and sends everything in flight
        try:
            self._write(rendered)
        except OSError:
            self._disconnect()

    def receive(self, interrupt: Interrupt | None = None, keep_broken_head: bool = False
                ) -> replies.Reply | None:
        """The reply to the oldest request in flight, reconnecting with bounded backoff.

        With `interrupt`, returns None if it is set before the reply starts to arrive; a reply
        that has started is always read. With `keep_broken_head`, a reply that breaks after
        its head arrived is not asked for again (it may have handed over an event): the
        ProtocolError, holding that head, goes to the caller.
        """
        backoff = None  # built at the first failure: nearly every reply needs none
        while True:
            refused = False
            try:
                reader = self._reader or self._reconnect()
                if interrupt is not None and not _wait_for_reply(self._socket.sock, reader,
                                                                 interrupt):
                    return None
                reply = replies.read_response(reader)
            except replies.ProtocolError as exc:
                self._disconnect()
                if keep_broken_head and exc.headers is not None:
                    self._in_flight.popleft()
                    raise
                problem = f"ProtocolError: {exc}"
            except (OSError, *_CONNECT_ERRORS) as exc:
                self._disconnect()
                problem = f"{type(exc).__name__}: {exc}"
                refused = _refused(exc)
            else:
                self._in_flight.popleft()
                if backoff is not None:
                    backoff.report()
                self._served = True
                return self._settled(reply)
            if backoff is None:
                backoff = _Backoff(self.address, self.attempts, warn=True)
            backoff.retry(problem, gone=self._served and refused)

    def _settled(self, reply: replies.Reply) -> replies.Reply:
        if reply.status >= 500:
            # The Runtime API's contract: "Container error. Non-recoverable state.
            # Runtime should exit promptly."
            raise RuntimeApiUnavailable(
                f"the Runtime API answered {reply.status} (non-recoverable): "
                + reply.body[:200].decode(errors="replace")
            )
        if reply.close:
            self._disconnect()  # what is still in flight is sent again, unread
        return reply

    def stream(
        self, head: Request, chunks: Generator[bytes, None, None], end: Callable[[], bytes]
    ) -> replies.Reply:
        """Send `head`, then each of `chunks` as one HTTP chunk the moment it is produced,
        then `end()` (the last chunk and trailers, known only then); return the reply.

        Nothing may be in flight. Unlike `send`, this is never sent again: a failure once the
        head has gone out raises StreamBroken (chunks closed, so the handler's generator
        ends); connecting first is retried like any request, since nothing has been sent.
        A reply that arrives before the end (a Runtime API refusing the stream midway) stops
        the stream there: it is returned, and the connection, its body unfinished, dropped.
        """
        assert not self._in_flight, "a stream goes out on an idle connection"
        reader = self._connected()
        sock = self._socket.sock
        rendered_head, _ = head.render(self.common)
        sent = 0
        try:
            pending = rendered_head  # the head goes out with the first chunk, in one write
            for data in chunks:
                if not pending and _readable(sock):  # ~1 us a chunk, against a hung write
                    chunks.close()
                    reply = replies.read_response(reader)
                    self._disconnect()
                    return self._settled(reply)
                size = len(data)
                if size <= COALESCE_LIMIT:
                    sock.sendall(pending + chunk_head(size) + data + CHUNK_END)
                else:
                    sock.sendall(pending + chunk_head(size))
                    sock.sendall(data)
                    sock.sendall(CHUNK_END)
                pending = b""
                sent += size
            sock.sendall(pending + end())
            reply = replies.read_response(reader)
        except (OSError, replies.ProtocolError) as exc:
            chunks.close()  # the handler's generator is closed with it: its finally runs
            self._disconnect()
            raise StreamBroken(
                f"{type(exc).__name__}: {exc} (after {sent} body bytes); not sent again"
            ) from exc
        return self._settled(reply)

    def _connected(self) -> BufferedReader:
        """The connection's reader, connecting if need be with the backoff `receive` uses."""
        backoff = _Backoff(self.address, self.attempts, warn=False)
        while self._reader is None:
            try:
                return self._reconnect()
            except (OSError, *_CONNECT_ERRORS) as exc:
                self._disconnect()
                backoff.retry(f"{type(exc).__name__}: {exc}")
        return self._reader

    def call(self, request: Request) -> replies.Reply:
        """Send `request` and read its reply (nothing else may be in flight)."""
        self.send(request)
        reply = self.receive()
        assert reply is not None
        return reply

    def close(self) -> None:
        self._in_flight.clear()
        self._disconnect()

    def drop_if_closed(self) -> bool:
        """With nothing in flight, drop the connection if the peer hung up on it (or sent
        what nobody asked for), so that the next request opens a new one instead of failing
        first (a retry, a warning, a backoff): e.g. after a SnapStart restore. True if dropped."""
        sock = self._socket.sock
        if self._reader is None or sock is None or self._in_flight:
            return False
        readable, _, _ = select.select([sock], [], [], 0)
        if readable:  # EOF, a reset, or stray bytes: nothing a later request could use
            self._disconnect()
        return bool(readable)

    def _write(self, rendered: tuple[bytes, bytes]) -> None:
        head, body = rendered
        sock = self._socket.sock
        if len(body) <= COALESCE_LIMIT:
            sock.sendall(head + body)
        else:
            sock.sendall(head)
            sock.sendall(body)

    def _reconnect(self) -> BufferedReader:
        self._socket.connect()
        sock = self._socket.sock
        sock.settimeout(None)
        self._reader = reader = BufferedReader(_SocketReader(sock))
        for rendered in self._in_flight:
            self._write(rendered)
        return reader

    def _disconnect(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self._socket.close()


class _Backoff:
    """The client's one retry rule: up to `attempts` tries, sleeping 10 ms, 20 ms, ... 1 s
    between them, then `RuntimeApiUnavailable` naming the last problem.

    The retries are logged (`runtime_api.retry`, one warning each) once they are over: an
    outage ridden out or a failure is a fault worth a line per attempt, but a Runtime API that
    went away for good (`RuntimeApiGone`: the RIE or SAM CLI stopped) is an ending, not logged.
    """

    __slots__ = ("address", "attempts", "delay", "problems", "warn")

    def __init__(self, address: str, attempts: int, warn: bool) -> None:
        self.address = address
        self.attempts = attempts
        #: Log the retries; a single-attempt caller never retries.
        self.warn = warn and attempts > 1
        self.problems: list[str] = []
        self.delay = BACKOFF_FIRST_S

    def retry(self, problem: str, gone: bool = False) -> None:
        """After a failed try: wait before the next, or raise if that was the last (`gone`: the
        peer that served this connection now refuses it)."""
        self.problems.append(problem)
        if len(self.problems) >= self.attempts:
            message = (
                f"Runtime API at {self.address} failed {len(self.problems)} times; last: {problem}"
            )
            if gone:
                raise RuntimeApiGone(message)
            self.report()
            raise RuntimeApiUnavailable(message)
        time.sleep(self.delay)
        self.delay = min(self.delay * 2, BACKOFF_MAX_S)

    def report(self) -> None:
        """Log the retries so far (none: nothing)."""
        if self.warn:
            for attempt, problem in enumerate(self.problems, 1):
                logger.warning(
                    "runtime_api.retry", address=self.address, attempt=attempt, problem=problem
                )


def _readable(sock: _socket.socket) -> bool:
    return bool(select.select([sock], [], [], 0)[0])


def _wait_for_reply(sock: _socket.socket, reader: BufferedReader, interrupt: Interrupt) -> bool:
    """Wait until the reply starts to arrive (True), or until told to stop (False).

    Bytes may already sit in the reader's buffer (a 202 and the next event in one segment):
    they count as arrived. `peek` on a non-blocking socket returns them, or reads what the
    kernel has, without waiting.
    """
    sock.setblocking(False)
    try:
        buffered = reader.peek(1)
    except OSError:
        buffered = b"x"  # let the read report it
    finally:
        sock.setblocking(True)
    if buffered:
        return True
    while True:
        readable, _, _ = select.select([sock, interrupt], [], [])
        if sock in readable:
            return True
        if interrupt.is_set():
            return False


#: urllib3's connect errors (not OSErrors), once urllib3 is in use.
_CONNECT_ERRORS: list[type[Exception]] = []


def _is_ip(host: str) -> bool:
    family = _socket.AF_INET6 if ":" in host else _socket.AF_INET
    try:
        _socket.inet_pton(family, host)
    except OSError:
        return False
    return True


def _urllib3(host: str, port: int) -> Any:
    import urllib3
    from urllib3.connection import HTTPConnection

    if not _CONNECT_ERRORS:
        _CONNECT_ERRORS.append(urllib3.exceptions.HTTPError)
    return HTTPConnection(host, port, timeout=CONNECT_TIMEOUT_S)


class _IpLiteralSocket:
    """The part of urllib3's HTTPConnection used here (`connect`, `sock`, `close`), for an IP
    address: a TCP_NODELAY socket connected with the connect timeout, no name resolution."""

    def __init__(self, host: str, port: int) -> None:
        self._address = (host, port)
        self._family = _socket.AF_INET6 if ":" in host else _socket.AF_INET
        self.sock: _socket.socket | None = None

    def connect(self) -> None:
        sock = _socket.socket(self._family, _socket.SOCK_STREAM)
        try:
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            sock.settimeout(CONNECT_TIMEOUT_S)
            sock.connect(self._address)
        except BaseException:
            sock.close()
            raise
        self.sock = sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class _SocketReader(RawIOBase):
    """The reading half of the stdlib's `socket.makefile("rb")` (its SocketIO), over any socket
    object: `recv_into`, and None for "nothing yet" on a non-blocking socket (`peek` then
    returns what is buffered). Closing it leaves the socket open: `_disconnect` closes that."""

    def __init__(self, sock: _socket.socket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._sock.fileno()

    def readinto(self, buffer: Any) -> int | None:
        try:
            return self._sock.recv_into(buffer)
        except BlockingIOError:
            return None
