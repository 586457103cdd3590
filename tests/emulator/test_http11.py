"""The emulator's HTTP/1.1 server, spoken to over raw sockets: framing, keep-alive, strictness."""

from __future__ import annotations

import json
import socket
import sys

import pytest

from .conftest import INVOKE_PATH, REPO

MINIMAL = [sys.executable, str(REPO / "bench" / "toys" / "minimal.py")]


@pytest.fixture
def echo_emulator(start_emulator):
    return start_emulator(runtime=MINIMAL)


def open_socket(emulator) -> socket.socket:
    return socket.create_connection(("127.0.0.1", emulator.port), timeout=30)


def read_response(sock: socket.socket, buffered: bytearray) -> tuple[bytes, dict[str, str], bytes]:
    """Read one Content-Length framed response; returns (status line, headers, body)."""
    while b"\r\n\r\n" not in buffered:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed early after {bytes(buffered)!r}")
        buffered += chunk
    head, _, rest = bytes(buffered).partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines)}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside a body")
        rest += chunk
    buffered[:] = rest[length:]
    return status_line.encode(), headers, rest[:length]


def request(body: bytes, extra: bytes = b"") -> bytes:
    return (
        f"POST {INVOKE_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n".encode()
        + extra
        + b"\r\n"
        + body
    )


def test_chunked_request_bodies_are_decoded(echo_emulator) -> None:
    with open_socket(echo_emulator) as sock:
        sock.sendall(
            f"POST {INVOKE_PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
            + b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
        )
        status, _, body = read_response(sock, bytearray())
    assert status == b"HTTP/1.1 200 OK"
    assert body == b"hello world"


def test_expect_100_continue_is_honoured(echo_emulator) -> None:
    with open_socket(echo_emulator) as sock:
        sock.sendall(request(b"", b"Expect: 100-continue\r\n").replace(b"Length: 0", b"Length: 4"))
        buffered = bytearray()
        interim, _, _ = read_response(sock, buffered)
        assert interim == b"HTTP/1.1 100 Continue"
        sock.sendall(b"body")
        status, _, body = read_response(sock, buffered)
    assert (status, body) == (b"HTTP/1.1 200 OK", b"body")


def test_keep_alive_and_pipelined_requests_are_answered_in_order(echo_emulator) -> None:
    with open_socket(echo_emulator) as sock:
        sock.sendall(b"".join(request(f"request {i}".encode()) for i in range(5)))
        buffered = bytearray()
        bodies = [read_response(sock, buffered)[2] for _ in range(5)]
        sock.sendall(request(b"after a pause"))
        bodies.append(read_response(sock, buffered)[2])
    assert bodies == [f"request {i}".encode() for i in range(5)] + [b"after a pause"]


def test_connection_close_is_honoured(echo_emulator) -> None:
    with open_socket(echo_emulator) as sock:
        sock.sendall(request(b"bye", b"Connection: close\r\n"))
        _, headers, body = read_response(sock, bytearray())
        assert (headers["connection"], body) == ("close", b"bye")
        assert sock.recv(100) == b""


@pytest.mark.parametrize(
    "raw",
    [
        b"NONSENSE\r\n\r\n",
        b"POST / HTTP/2.0\r\nHost: x\r\n\r\n",
        b"POST / HTTP/1.1\r\nBad Header\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
        b"POST / HTTP/1.1\r\nContent-Length: -3\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nContent-Length: \xb2\r\n\r\n",
        # trailers are bounded like the head: 80 KiB of them never ending is refused
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + b"x-a: b\r\n" * 10_000,
    ],
)
def test_malformed_requests_get_400_and_a_closed_connection(echo_emulator, raw: bytes) -> None:
    with open_socket(echo_emulator) as sock:
        sock.sendall(raw)
        status, _, _ = read_response(sock, bytearray())
        assert status.startswith(b"HTTP/1.1 400 ")
        assert sock.recv(100) == b""
    assert echo_emulator.invoke(b"still serving")[2] == b"still serving"


def chunked_invoke(trailers: bytes) -> bytes:
    return (
        f"POST {INVOKE_PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        + b'10\r\n{"mode": "env"}\n\r\n0\r\n'
        + trailers
        + b"\r\n"
    )


def test_trailers_are_never_taken_for_headers(start_emulator) -> None:
    emulator = start_emulator()
    trailers = b"X-Amz-Invocation-Type: DryRun\r\nX-Amzn-Trace-Id: Root=from-a-trailer\r\n"
    with open_socket(emulator) as sock:
        sock.sendall(chunked_invoke(trailers))
        status, _, body = read_response(sock, bytearray())
    assert status == b"HTTP/1.1 200 OK"  # not the 204 of a dry run
    trace = json.loads(body)["headers"]["Lambda-Runtime-Trace-Id"]
    assert trace.startswith("Root=1-") and "trailer" not in trace


@pytest.mark.parametrize("bad", [b"\n", b"\r", b"\x00", b"\x7f"])
def test_a_control_character_in_a_header_value_is_refused(start_emulator, bad: bytes) -> None:
    """Else a caller could inject Lambda-Runtime-* headers into another invoke's event."""
    emulator = start_emulator()
    smuggled = b"X-Amzn-Trace-Id: Root=1" + bad + b"Lambda-Runtime-Aws-Request-Id: other\r\n"
    with open_socket(emulator) as sock:
        sock.sendall(request(b'{"mode": "env"}', smuggled))
        status, _, _ = read_response(sock, bytearray())
        assert status.startswith(b"HTTP/1.1 400 ")
        assert sock.recv(100) == b""
    assert emulator.invoke(b'{"mode": "seq"}')[0] == 200


def test_a_bare_lf_request_is_answered_not_held(echo_emulator) -> None:
    with open_socket(echo_emulator) as sock:
        sock.settimeout(10)
        sock.sendall(b"POST / HTTP/1.1\nHost: x\n")  # no CRLF CRLF will ever come
        status, _, _ = read_response(sock, bytearray())
        assert status.startswith(b"HTTP/1.1 400 ")


@pytest.mark.parametrize(("size", "status"), [(65536, b"200"), (65537, b"431")])
@pytest.mark.parametrize("pipelined", [False, True])
def test_the_head_limit_is_64_kib_exactly(start_emulator, size, status, pipelined) -> None:
    """The limit counts the request line and the blank line that ends the head, also for a
    head that waited in the buffer behind a slow request on the same connection."""
    emulator = start_emulator()
    head = request(b'{"mode": "seq"}', b"X-Pad: ")
    padding = size - len(head) + len(b'{"mode": "seq"}')
    raw = head.replace(b"X-Pad: ", b"X-Pad: " + b"p" * (padding - 2) + b"\r\n", 1)
    assert raw.index(b"\r\n\r\n") + 4 == size
    slow = request(b'{"mode": "sleep", "seconds": 0.5}') if pipelined else b""
    with open_socket(emulator) as sock:
        sock.sendall(slow + raw)
        buffered = bytearray()
        if pipelined:
            assert read_response(sock, buffered)[0] == b"HTTP/1.1 200 OK"
        answer, _, _ = read_response(sock, buffered)
    assert answer.split()[1] == status


def test_head_is_answered_without_a_body(echo_emulator) -> None:
    with open_socket(echo_emulator) as sock:
        sock.sendall(b"HEAD /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" + request(b"then this"))
        buffered = bytearray()
        while b"\r\n\r\n" not in buffered:
            buffered += sock.recv(65536)
        head, _, buffered[:] = bytes(buffered).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 404 ") and b"Content-Length: 19" in head
        status, _, body = read_response(sock, buffered)  # the next answer follows at once
    assert (status, body) == (b"HTTP/1.1 200 OK", b"then this")


def test_a_body_in_one_byte_chunks_is_decoded(echo_emulator) -> None:
    payload = bytes(range(256)) * 256  # 64 KiB, 65,536 chunks
    wire = b"".join(b"1\r\n" + payload[i : i + 1] + b"\r\n" for i in range(len(payload)))
    with open_socket(echo_emulator) as sock:
        sock.sendall(
            f"POST {INVOKE_PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        for start in range(0, len(wire), 4096):  # many reads, each with partial chunks
            sock.sendall(wire[start : start + 4096])
        sock.sendall(b"0\r\n\r\n")
        status, _, body = read_response(sock, bytearray())
    assert (status, body) == (b"HTTP/1.1 200 OK", payload)


def test_a_body_announced_over_the_limit_is_refused_before_it_is_sent(echo_emulator) -> None:
    """413 on the head alone: the server must not wait for (or buffer) a terabyte."""
    with socket.create_connection(("127.0.0.1", echo_emulator.port), timeout=10) as sock:
        sock.sendall(f"POST {INVOKE_PATH} HTTP/1.1\r\nHost: x\r\n"
                     f"Content-Length: {10**12}\r\n\r\n".encode())
        status, _, _ = read_response(sock, bytearray())
        assert status.startswith(b"HTTP/1.1 413 ")
        assert sock.recv(100) == b""
    assert echo_emulator.invoke(b"still serving")[2] == b"still serving"
