"""A streamed /response relayed to a streaming caller, in-process: the Sandbox on a fake clock,
a recording caller, and the real event-stream framing read back by botocore's own parser."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from botocore.eventstream import EventStreamBuffer

from lambdaflow.emulator.http.http11 import BodySink, Deferred
from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.emulator.routes import event_stream
from lambdaflow.emulator.routes.streaming_callers import StreamingCaller, error_fields
from lambdaflow.emulator.sandbox.states import Phase
from lambdaflow.limits import MAX_STREAMED_RESPONSE_BYTES

from .fakes import Harness

ERROR_TRAILERS = {
    "lambda-runtime-function-error-type": "Boom",
    "lambda-runtime-function-error-body": "eyJlcnJvclR5cGUiOiJCb29tIn0=",  # {"errorType":"Boom"}
}


class RecordingCaller(StreamingCaller):
    """Records what the relay told it, in order."""

    def __init__(self) -> None:
        super().__init__(Deferred())
        self.events: list[tuple[str, object]] = []

    def begin(self, content_type: str) -> None:
        self.events.append(("begin", content_type))

    def data(self, piece: bytes) -> None:
        self.events.append(("data", piece))

    def complete(self, answer: HttpResponse, extra: Sequence[tuple[str, str]]) -> None:
        self.events.append(("complete", answer))

    def outcome(self) -> HttpResponse:
        kind, answer = self.events[-1]
        assert kind == "complete", self.events
        assert isinstance(answer, HttpResponse)
        return answer


def streaming_invoke(harness: Harness) -> tuple[RecordingCaller, BodySink, str]:
    invocation = harness.invoke()
    caller = invocation.streaming_caller = RecordingCaller()
    harness.next()
    flow: list[bool] = []
    sink = harness.sandbox.open_stream(invocation.request_id, "text/plain", flow.append)
    assert sink is not None
    assert caller.flow is not None
    return caller, sink, invocation.request_id


def test_pieces_reach_the_caller_as_they_arrive_and_the_end_completes() -> None:
    harness = Harness()
    caller, sink, _ = streaming_invoke(harness)
    assert harness.sandbox.phase is Phase.STREAMING
    assert sink.data(b"one") is None
    assert caller.events == [("begin", "text/plain"), ("data", b"one")]  # nothing held back
    sink.data(b"two")
    assert sink.end({}).status == 202
    harness.clock.run_soon()
    assert [event for event in caller.events if event[0] == "data"] == [
        ("data", b"one"),
        ("data", b"two"),
    ]
    outcome = caller.outcome()
    assert (outcome.status, outcome.body) == (200, b"")  # the body already went out
    assert harness.sandbox.phase is Phase.RESPONDED
    harness.next()
    assert len(harness.reports()) == 1


def test_error_trailers_complete_with_the_function_error() -> None:
    harness = Harness()
    caller, sink, _ = streaming_invoke(harness)
    sink.data(b"part")
    sink.end(ERROR_TRAILERS)
    harness.clock.run_soon()
    outcome = caller.outcome()
    assert ("X-Amz-Function-Error", "Unhandled") in outcome.headers
    assert error_fields(outcome.body)["ErrorCode"] == "Boom"


def test_a_stream_over_the_limit_is_cut_with_an_error_to_both_sides() -> None:
    harness = Harness()
    caller, sink, _ = streaming_invoke(harness)
    mebibyte = bytes(1024 * 1024)
    for _ in range(MAX_STREAMED_RESPONSE_BYTES // len(mebibyte)):
        assert sink.data(mebibyte) is None
    refusal = sink.data(b"!")
    assert refusal is not None and refusal.status == 413
    assert b"RequestEntityTooLarge" in refusal.body
    harness.clock.run_soon()
    assert ("data", b"!") not in caller.events
    fields = error_fields(caller.outcome().body)
    assert fields["ErrorCode"] == "Function.ResponseSizeTooLarge"
    assert str(MAX_STREAMED_RESPONSE_BYTES) in fields["ErrorDetails"]
    sink.abort()  # the connection closes after the refusal: nothing more happens
    assert sum(kind == "complete" for kind, _ in caller.events) == 1


def test_a_runtime_that_hangs_up_mid_stream_ends_the_invocation_with_an_error() -> None:
    harness = Harness()
    caller, sink, _ = streaming_invoke(harness)
    sink.data(b"part")
    sink.abort()
    harness.clock.run_soon()
    assert error_fields(caller.outcome().body)["ErrorCode"] == "Runtime.TruncatedResponse"
    harness.next()  # the runtime may ask for the next event on a new connection
    assert len(harness.reports()) == 1


def test_the_deadline_ends_a_stream_that_never_finishes() -> None:
    harness = Harness(timeout_s=2.0)
    caller, sink, _ = streaming_invoke(harness)
    sink.data(b"part")
    harness.clock.advance(2.0)
    harness.clock.run_soon()
    assert caller.outcome().body == b"Task timed out after 2.00 seconds"
    assert harness.processes[0].killed
    assert sink.end({}).status == 202  # too late: the invocation is over, told nothing twice
    assert sum(kind == "complete" for kind, _ in caller.events) == 1


def test_a_second_answer_while_streaming_is_refused() -> None:
    harness = Harness()
    _, _, request_id = streaming_invoke(harness)
    assert harness.sandbox.post_response(request_id, b"x", {}, False).status == 403
    assert harness.sandbox.post_error(request_id, b"x").status == 403
    assert harness.sandbox.next_invocation().status == 403


def test_only_a_streaming_caller_of_the_current_request_gets_a_relay() -> None:
    harness = Harness()
    invocation = harness.invoke()  # a classic caller: its answer is read whole
    harness.next()
    assert harness.sandbox.open_stream(invocation.request_id, "", lambda _: None) is None
    invocation.streaming_caller = RecordingCaller()
    assert harness.sandbox.open_stream("another-id", "", lambda _: None) is None
    assert harness.sandbox.phase is Phase.BUSY


@pytest.mark.parametrize("payload", [b"", b"x", bytes(range(256)) * 300])
def test_payload_chunks_are_what_botocore_reads(payload: bytes) -> None:
    buffer = EventStreamBuffer()
    completion = json.dumps({"ErrorCode": "Boom", "ErrorDetails": "d"}).encode()
    buffer.add_data(event_stream.payload_chunk(payload) + event_stream.invoke_complete(completion))
    chunk, complete = list(buffer)
    assert chunk.headers == {
        ":event-type": "PayloadChunk",
        ":content-type": "application/octet-stream",
        ":message-type": "event",
    }
    assert chunk.payload == payload
    assert complete.headers[":event-type"] == "InvokeComplete"
    assert json.loads(complete.payload) == {"ErrorCode": "Boom", "ErrorDetails": "d"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (b'{"errorType":"E","errorMessage":"m"}', {"ErrorCode": "E", "ErrorDetails": "m"}),
        (b"Task timed out", {"ErrorCode": "Unhandled", "ErrorDetails": "Task timed out"}),
        (b"[1]", {"ErrorCode": "Unhandled", "ErrorDetails": "[1]"}),
        (b'{"errorType":3}', {"ErrorCode": "Unhandled", "ErrorDetails": '{"errorType":3}'}),
        (b"\xff", {"ErrorCode": "Unhandled", "ErrorDetails": "\ufffd"}),
    ],
)
def test_error_fields_from_any_error_body(body: bytes, fields: dict[str, str]) -> None:
    assert error_fields(body) == fields
