"""Streaming in process: registration rules, HttpStream checks and prelude, chunk framing and
trailers byte for byte, the Stream's limit and error handling, and the test client's chunks."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import typing
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path

import pytest

from lambdaflow import App, HttpStream, RegistrationError
from lambdaflow.errors import exception_payload
from lambdaflow.framework import streaming
from lambdaflow.runtime_api import api_requests as rq
from lambdaflow.testing import LambdaTestClient


def _plan_stream(function):
    app = App()
    app.handler(function)
    return app.plan().stream


@pytest.mark.parametrize(
    "annotation",
    [Iterator[bytes], Iterable[str], Generator[bytes, None, None], typing.Iterator[str],
     Iterator, Iterator[bytes | str], HttpStream],
)
def test_iterator_and_http_stream_annotations_stream(annotation):
    def handle(event: dict):
        return iter(())

    handle.__annotations__["return"] = annotation
    assert _plan_stream(handle) is streaming.open_stream


def test_a_generator_function_streams_and_others_stay_buffered():
    def generator(event):
        yield b"x"

    def typed(event) -> dict:
        return {}

    def untyped(event):
        return {}

    assert _plan_stream(generator) is streaming.open_stream
    assert _plan_stream(typed) is None  # the buffered path is untouched
    assert _plan_stream(untyped) is streaming.open_if_streamed


def test_chunks_that_are_not_bytes_or_str_are_refused_at_registration():
    with pytest.raises(RegistrationError, match=r"streams <class 'int'> chunks.*bytes or str"):

        @App().handler
        def handle(event) -> Iterator[int]:
            yield 1


def test_a_generator_is_still_refused_as_validate():
    with pytest.raises(RegistrationError, match="generator function returns no value"):

        @App().validate
        def check(event):
            yield event


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"status_code": 42}, "status_code must be an int from 200 to 599"),
        ({"status_code": True}, "status_code must be an int"),
        ({"headers": {"X-A\r\nX-B": "1"}}, "header name .* is not an HTTP token"),
        ({"headers": {"Bad Name": "1"}}, "header name .* is not an HTTP token"),
        ({"headers": {"X-A": "1\r\nSet-Cookie: evil"}}, r"header 'X-A' contains .*\\r"),
        ({"headers": {"X-A": "nul\0"}}, r"header 'X-A' contains .*\\x00"),
        ({"headers": {"X-A": 5}}, "header 'X-A' must be a str, got int"),
        ({"cookies": ["a=1\nb=2"]}, r"cookie contains .*\\n"),
        ({"cookies": "a=1"}, "a list of Set-Cookie values, not a str"),
    ],
)
def test_http_stream_refuses_what_would_break_the_caller_s_head(arguments, problem):
    with pytest.raises(ValueError, match=problem):
        HttpStream(**arguments)


def test_http_stream_prelude_bytes():
    prelude = HttpStream(404, {"Content-Type": "text/html", "X-Note": "a/b é"}, ["k=v"]).prelude()
    assert prelude == (
        b'{"statusCode":404,"headers":{"Content-Type":"text/html","X-Note":"a/b \\u00e9"},'
        b'"cookies":["k=v"]}' + b"\0" * 8
    )
    assert json.loads(prelude[:-8])["headers"]["X-Note"] == "a/b é"


def test_chunk_framing_and_the_last_chunk_byte_for_byte():
    assert rq.chunk_head(1) == b"1\r\n"
    assert rq.chunk_head(0x1F400) == b"1f400\r\n"
    assert rq.stream_end(None) == b"0\r\n\r\n"
    payload = {"errorMessage": "m", "errorType": "ValueError", "stackTrace": []}
    encoded = base64.b64encode(b'{"errorMessage":"m","errorType":"ValueError","stackTrace":[]}')
    assert rq.stream_end(payload) == (
        b"0\r\nLambda-Runtime-Function-Error-Type: Function.ValueError\r\n"
        b"Lambda-Runtime-Function-Error-Body: " + encoded + b"\r\n\r\n"
    )


def test_a_huge_error_is_trimmed_to_fit_its_trailer():
    payload = {"errorMessage": "m" * 100_000, "errorType": "Boom",
               "stackTrace": [f"frame {i}\n" for i in range(5000)]}
    end = rq.stream_end(payload)
    body = end.split(b"Lambda-Runtime-Function-Error-Body: ")[1].split(b"\r\n")[0]
    assert len(body) <= rq.STREAM_ERROR_BODY_LIMIT
    decoded = json.loads(base64.b64decode(body))
    assert decoded["errorType"] == "Boom" and decoded["errorMessage"].startswith("mmm")


def _started(result, limit=streaming.MAX_STREAMED_RESPONSE_BYTES):
    stream = streaming.Stream(result, limit)
    stream.start()
    return stream


def test_stream_encodes_str_skips_empty_chunks_and_counts_bytes():
    stream = _started(iter(["", "é", b"", bytearray(b"ab"), memoryview(b"c")]))
    assert list(stream.chunks()) == ["é".encode(), b"ab", b"c"]
    assert stream.sent == 5 and stream.outcome == "success"
    assert stream.first_byte_ns and stream.ended_ns >= stream.first_byte_ns


def test_an_empty_stream_sends_nothing_and_succeeds():
    stream = _started(iter(()))
    assert list(stream.chunks()) == []
    assert stream.outcome == "success" and stream.sent == 0


def test_the_limit_cuts_before_the_crossing_chunk_and_closes_the_generator():
    closed = []

    def produce():
        try:
            while True:
                yield b"0123"
        finally:
            closed.append(True)

    stream = _started(produce(), limit=10)
    assert list(stream.chunks()) == [b"0123", b"0123"]
    assert stream.sent == 8 and closed == [True]
    assert stream.outcome == "marshal_error"
    assert stream.failed.error["errorType"] == "Function.ResponseSizeTooLarge"
    assert "maximum of 10 bytes" in stream.failed.error["errorMessage"]


def test_a_consumer_that_stops_closes_the_handler_s_generator():
    closed = []

    def produce():
        try:
            yield b"a"
            yield b"b"
        finally:
            closed.append(True)

    chunks = _started(produce()).chunks()
    assert next(chunks) == b"a"
    chunks.close()  # what the transport does when the connection breaks
    assert closed == [True]


def test_a_streaming_handler_that_returns_a_dict_is_a_marshal_error():
    stream = streaming.Stream({"a": 1})
    with pytest.raises(Exception, match="the handler streams, but returned dict") as caught:
        stream.start()
    assert exception_payload(caught.value)["errorType"] == "Runtime.MarshalError"


def test_the_test_client_fills_chunks_and_prelude_through_the_stream():
    app = App()

    @app.handler
    def handle(event: dict):
        def body():
            yield "a"
            yield b"b"
            if event.get("fail"):
                raise ValueError("midway")
        if event.get("http"):
            return HttpStream(201, {"Content-Type": "text/plain"}, ["c=1"], body())
        return body()

    with LambdaTestClient(app) as client:
        plain = client.invoke({})
        http = client.invoke({"http": True})
        failed = client.invoke({"fail": True})
        buffered_error = client.invoke(b"not json")
    assert (plain.chunks, plain.body, plain.value, plain.prelude) == ((b"a", b"b"), b"ab", b"ab",
                                                                     None)
    assert plain.metrics["bytes"] == 2 and "first_byte_ms" in plain.metrics
    assert http.prelude == {"statusCode": 201, "headers": {"Content-Type": "text/plain"},
                            "cookies": ["c=1"]}
    assert http.chunks == (b"a", b"b")
    assert failed.outcome == "handler_error" and failed.body is None
    assert failed.chunks == (b"a", b"b") and failed.error.message == "midway"
    assert buffered_error.chunks == () and "first_byte_ms" not in buffered_error.metrics


def test_a_buffered_handler_does_not_import_the_streaming_module():
    """Cold start: a handler with a buffered return annotation never loads streaming.py."""
    script = (
        "import sys\n"
        "from lambdaflow import App\n"
        "app = App()\n"
        "@app.handler\n"
        "def handle(event: dict) -> dict:\n"
        "    return event\n"
        "app.plan()\n"
        "print('lambdaflow.framework.streaming' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).parents[2])
    assert result.stdout.strip() == "False"
