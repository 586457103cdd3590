"""HTTP/1.1 framing of Runtime API replies, fed byte for byte through a real socket pair."""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lambdaflow.runtime_api import replies as wire

CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


def read(raw: bytes, then_close: bool = True) -> wire.Reply:
    ours, theirs = socket.socketpair()

    def send() -> None:
        with contextlib.suppress(OSError):  # the reader gave up early and closed
            theirs.sendall(raw)
            if then_close:
                theirs.shutdown(socket.SHUT_WR)

    with ours, theirs:
        sender = threading.Thread(target=send, daemon=True)  # more than the socket buffer holds
        sender.start()
        with ours.makefile("rb") as reader:
            return wire.read_response(reader)


def test_content_length_reply_with_headers_lowercased():
    reply = read(b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: abc\r\n"
                 b"Content-Length: 5\r\n\r\nhello", then_close=False)
    assert (reply.status, reply.body, reply.close) == (200, b"hello", False)
    assert reply.headers[b"lambda-runtime-aws-request-id"] == b"abc"


def test_chunked_reply_with_extension_and_trailer():
    reply = read(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n", then_close=False)
    assert reply.body == b"hello world"


def test_large_body_split_across_many_segments():
    body = bytes(range(256)) * 24_576  # 6 MiB
    ours, theirs = socket.socketpair()
    with ours, theirs:
        head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
        sender = threading.Thread(target=theirs.sendall, args=(head + body,))
        sender.start()
        with ours.makefile("rb") as reader:
            assert wire.read_response(reader).body == body
        sender.join()


@pytest.mark.parametrize(
    ("head", "closes"),
    [
        (b"HTTP/1.1 202 Accepted\r\nConnection: close\r\n", True),
        (b"HTTP/1.1 202 Accepted\r\nConnection: keep-alive, Close\r\n", True),
        (b"HTTP/1.1 202 Accepted\r\n", False),
        (b"HTTP/1.0 202 Accepted\r\n", True),
        (b"HTTP/1.0 202 Accepted\r\nConnection: Keep-Alive\r\n", False),
    ],
)
def test_connection_close_is_understood(head: bytes, closes: bool):
    assert read(head + b"Content-Length: 0\r\n\r\n", then_close=False).close is closes


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"", "closed the connection"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP/1.x status line"),
        (b"HTTP/1.1 2x0 OK\r\n\r\n", "bad status line"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "bad header line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "after 5 of 10 body bytes"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1_0\r\n\r\n", "bad Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", "bad Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n", "out of range"),
        (b"HTTP/1.1 200 OK\r\n\r\nbody until close", "without Content-Length or chunked"),
        (CHUNKED + b"-1\r\n", "bad chunk size"),
        (CHUNKED + b"1_0\r\n", "bad chunk size"),
        (CHUNKED + b"zz\r\n", "bad chunk size"),
        (CHUNKED + b"2\r\nabXY\r\n", "not followed by CRLF"),
        (b"HTTP/1.1 200 OK\r\n" + b"X: " + b"a" * 300_000 + b"\r\n" * 2, "without Content"),
        (b"HTTP/1.1 200 OK\r\n" + (b"X: " + b"a" * 200_000 + b"\r\n") * 6, "head over"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
         b"5\r\nhello\r\n0\r\n\r\n", "both Transfer-Encoding and Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
         "two different Content-Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported Transfer-Enc"),
    ],
)
def test_malformed_replies_fail_loudly_instead_of_hanging(raw: bytes, problem: str):
    with pytest.raises(wire.ProtocolError, match=problem):
        read(raw)


def test_no_body_statuses_need_no_framing():
    assert read(b"HTTP/1.1 204 No Content\r\n\r\n", then_close=False).body == b""


def test_interim_replies_are_skipped():
    reply = read(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n"
                 b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok", then_close=False)
    assert (reply.status, reply.body, reply.headers) == (202, b"ok", {b"content-length": b"2"})


def test_the_same_content_length_twice_is_one_length():
    reply = read(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok",
                 then_close=False)
    assert reply.body == b"ok"


def test_long_trace_ids_are_served_and_longer_lines_skipped():
    trace = b"Root=1-" + b"a" * 130_000
    huge = b"b" * 300_000
    reply = read(b"HTTP/1.1 200 OK\r\nLambda-Runtime-Trace-Id: " + trace + b"\r\n"
                 b"Lambda-Runtime-Aws-Tenant-Id: " + huge + b"\r\n"
                 b"Content-Length: 2\r\n\r\n{}", then_close=False)
    assert reply.headers[b"lambda-runtime-trace-id"] == trace
    assert reply.skipped == (b"lambda-runtime-aws-tenant-id",)
    assert b"lambda-runtime-aws-tenant-id" not in reply.headers and reply.body == b"{}"


def test_a_body_cut_short_keeps_the_head_it_belongs_to():
    with pytest.raises(wire.ProtocolError) as caught:
        read(b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r-1\r\n"
             b"Content-Length: 10\r\n\r\nshort")
    assert caught.value.headers[b"lambda-runtime-aws-request-id"] == b"r-1"


def test_header_count_is_bounded_at_max_headers():
    def reply_with(count: int) -> bytes:
        lines = b"".join(b"X-H%d: v\r\n" % index for index in range(count - 1))
        return b"HTTP/1.1 200 OK\r\n" + lines + b"Content-Length: 2\r\n\r\n{}"

    assert len(read(reply_with(wire.MAX_HEADERS), then_close=False).headers) == wire.MAX_HEADERS
    with pytest.raises(wire.ProtocolError, match="too many response headers"):
        read(reply_with(wire.MAX_HEADERS + 1))


def _head_outcome(raw: bytes, parse) -> tuple:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(raw)
        theirs.shutdown(socket.SHUT_WR)
        with ours.makefile("rb") as reader:
            try:
                headers, skipped = parse(reader, wire.MAX_HEAD)
            except wire.ProtocolError as exc:
                return "error", str(exc)
            return headers, skipped, reader.read()


_header_lines = st.lists(
    st.tuples(
        st.sampled_from([b"Content-Length", b"X-A", b"Lambda-Runtime-Aws-Request-Id", b"", b"x y"]),
        st.sampled_from([b": ", b":", b"", b" : "]),
        st.sampled_from([b"5", b"7", b" v ", b"", b"a\rb", b"a\nb: c"]),
        st.sampled_from([b"\r\n", b"\n"]),
    ),
    max_size=5,
)


@settings(max_examples=400, deadline=None)
@given(lines=_header_lines, end=st.sampled_from([b"\r\n", b"\n", b""]),
       body=st.sampled_from([b"", b"hello", b"\r\n\r\nX: y\r\n\r\n"]))
def test_a_head_taken_in_one_piece_reads_as_line_by_line(lines, end, body) -> None:
    """The buffered fast path of _read_headers gives what reading line by line gives."""
    raw = b"".join(name + sep + value + eol for name, sep, value, eol in lines) + end + body
    assert _head_outcome(raw, wire._read_headers) == _head_outcome(raw, wire._read_header_lines)
