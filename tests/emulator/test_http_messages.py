"""The request-head and chunked-body parsers in-process: tables of cases and generated ones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambdaflow.emulator.http.messages import (
    MAX_HEAD_BYTES,
    BadRequest,
    ChunkedDecoder,
    check_head_bytes,
    is_header_safe,
    parse_head,
)

_TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=20)
_VISIBLE = st.characters(min_codepoint=0x21, max_codepoint=0xFF, exclude_characters="\x7f")
_VALUE = st.text(
    alphabet=st.one_of(_VISIBLE, st.sampled_from(" \t")), max_size=40
)  # VCHAR and obs-text: what RFC 9110 allows


def head_of(raw: bytes):
    buffer = bytearray(raw)
    end = buffer.find(b"\r\n\r\n")
    check_head_bytes(buffer, 0, end)
    return parse_head(buffer, end)


@pytest.mark.parametrize(
    ("raw", "method", "keep_alive", "content_length"),
    [
        (b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n", "GET", True, 0),
        (b"POST /a HTTP/1.1\r\nContent-Length: 12\r\n\r\n", "POST", True, 12),
        (b"POST /a HTTP/1.1\r\nConnection: close\r\n\r\n", "POST", False, 0),
        (b"POST /a HTTP/1.0\r\n\r\n", "POST", False, 0),
        (b"POST /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "POST", True, 0),
        (b"POST /a HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n", "POST", True, None),
    ],
)
def test_heads_that_parse(raw, method, keep_alive, content_length) -> None:
    head = head_of(raw)
    assert (head.request.method, head.request.keep_alive) == (method, keep_alive)
    assert head.content_length == content_length
    assert head.body_start == len(raw)


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /a HTTP/1.1\r\nX-Amzn-Trace-Id: a\nLambda-Runtime-Aws-Request-Id: b\r\n\r\n", 400),
        (b"GET /a HTTP/1.1\r\nX-A: a\rb\r\n\r\n", 400),
        (b"GET /a HTTP/1.1\r\nX-A: a\x00b\r\n\r\n", 400),
        (b"GET /a HTTP/1.1\r\nX-A: a\x1bb\r\n\r\n", 400),
        (b"GET /a\x00 HTTP/1.1\r\n\r\n", 400),
        (b"GET /a HTTP/1.1\r\nBad Name: x\r\n\r\n", 400),
        (b"GET /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        (b"GET /a HTTP/1.1\r\nContent-Length: 1_0\r\n\r\n", 400),
        (b"GET /a HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (b"GET /a HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        (b"GET /a HTTP/3\r\n\r\n", 400),
    ],
)
def test_heads_that_are_refused(raw, status) -> None:
    with pytest.raises(BadRequest) as refused:
        head_of(raw)
    assert refused.value.status == status


def test_a_tab_is_allowed_in_a_value_and_trimmed() -> None:
    head = head_of(b"GET /a HTTP/1.1\r\nX-A:\t a\tb \r\n\r\n")
    assert head.request.headers["x-a"] == "a\tb"


@given(st.dictionaries(_TOKEN, _VALUE, max_size=10), _TOKEN)
def test_any_well_formed_head_round_trips(headers: dict[str, str], path: str) -> None:
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    raw = f"PUT /{path}?q=1 HTTP/1.1\r\n{lines}\r\n".encode("latin-1")
    if "content-length" in headers or "transfer-encoding" in headers:
        return  # framing headers have their own cases above
    request = head_of(raw).request
    assert request.path == f"/{path}"
    assert request.headers == {name: value.strip(" \t") for name, value in headers.items()}
    assert all(is_header_safe(value) for value in request.headers.values())


def test_caller_values_with_control_characters_are_not_header_safe() -> None:
    assert is_header_safe("Root=1-abc;Sampled=1\twith tab")
    for bad in ("a\nb", "a\rb", "a\x00b", "a\x7fb"):
        assert not is_header_safe(bad)


def chunked(body: bytes, sizes: list[int], trailers: bytes = b"") -> bytes:
    out, position = bytearray(), 0
    for size in sizes:
        piece = body[position : position + size]
        if not piece:
            break
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
        position += len(piece)
    if position < len(body):
        out += b"%x;ext=1\r\n" % (len(body) - position) + body[position:] + b"\r\n"
    return bytes(out + b"0\r\n" + trailers + b"\r\n")


@given(
    st.binary(max_size=2000),
    st.lists(st.integers(min_value=1, max_value=300), max_size=20),
    st.lists(st.integers(min_value=1, max_value=50), max_size=60),
)
def test_chunked_bodies_decode_however_they_are_split(body, sizes, reads) -> None:
    wire = chunked(body, sizes, b"X-T: 1\r\n") + b"NEXT REQUEST"
    decoder, buffer, position, result = ChunkedDecoder(10_000), bytearray(), 0, None
    for size in [*reads, len(wire)]:
        buffer += wire[position : position + size]
        position += size
        result = decoder.feed(buffer)
        if result is not None:
            break
    assert result == (body, {"x-t": "1"})
    assert bytes(buffer) + wire[position:] == b"NEXT REQUEST"  # the next request is left alone


def test_chunked_decoding_consumes_as_it_goes() -> None:
    """Each complete chunk leaves the buffer at once: nothing is parsed twice."""
    decoder, buffer = ChunkedDecoder(10_000), bytearray()
    for index in range(1000):
        buffer += b"1\r\n" + bytes([index % 256]) + b"\r\n"
        assert decoder.feed(buffer) is None
        assert buffer == b""
    buffer += b"0\r\n\r\n"
    body, trailers = decoder.feed(buffer)
    assert body == bytes(index % 256 for index in range(1000)) and trailers == {}


@pytest.mark.parametrize(
    ("wire", "status"),
    [
        (b"zz\r\n", 400),
        (b"+5\r\nhello\r\n0\r\n\r\n", 400),
        (b"5\r\nhelloXX0\r\n\r\n", 400),
        (b"9" * 2000, 400),  # a size line that never ends
        (b"ffffffffffffffffff\r\n", 400),
        (b"2711\r\n", 413),  # 10001 > max_body
        (b"0\r\nX-T: a\nb\r\n\r\n", 400),  # bare LF in a trailer
        (b"0\r\n" + b"x-a: b\r\n" * 10_000, 400),  # trailers bounded like a head
    ],
)
def test_chunked_bodies_that_are_refused(wire: bytes, status: int) -> None:
    with pytest.raises(BadRequest) as refused:
        ChunkedDecoder(10_000).feed(bytearray(wire))
    assert refused.value.status == status


def test_head_limit_constant_is_64_kib() -> None:
    assert MAX_HEAD_BYTES == 65536
