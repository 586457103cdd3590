"""A runtime's streamed ``/response`` relayed to a streaming caller as it arrives.

The HTTP layer hands each decoded piece here (``http11.BodySink``); the streamed limit is
enforced on the way, and however the stream ends (its last chunk with or without Lambda's
error trailers, a cut at the limit, the runtime hanging up) the Sandbox is told once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.emulator.routes import rie_responses
from lambdaflow.emulator.routes.streaming_callers import StreamingCaller
from lambdaflow.limits import MAX_STREAMED_RESPONSE_BYTES

#: The trailers of a streamed response that say it failed (the body's in base64).
ERROR_TYPE_TRAILER = "lambda-runtime-function-error-type"
ERROR_BODY_TRAILER = "lambda-runtime-function-error-body"

#: (the caller's outcome, the runtime's answer) -> the runtime's answer, as the Sandbox has it.
Finish = Callable[[HttpResponse, HttpResponse], HttpResponse]


def outcome(trailers: Mapping[str, str]) -> HttpResponse:
    """What a complete streamed response means for its caller (its body is already out)."""
    error_type = trailers.get(ERROR_TYPE_TRAILER)
    if error_type:
        return rie_responses.streamed_error(error_type, trailers.get(ERROR_BODY_TRAILER, ""))
    return rie_responses.caller_payload(b"")


class RelayedResponse:
    """The body sink of one streamed ``/response``."""

    __slots__ = ("_caller", "_finish", "_size")

    def __init__(self, caller: StreamingCaller, finish: Finish) -> None:
        self._caller = caller
        self._finish: Finish | None = finish
        self._size = 0

    def data(self, piece: bytes) -> HttpResponse | None:
        if self._finish is None:
            return None
        if self._size + len(piece) > MAX_STREAMED_RESPONSE_BYTES:
            return self._end(
                rie_responses.stream_too_large(self._size),
                rie_responses.payload_too_large(MAX_STREAMED_RESPONSE_BYTES),
            )
        self._size += len(piece)
        self._caller.data(piece)
        return None

    def end(self, trailers: Mapping[str, str]) -> HttpResponse:
        return self._end(outcome(trailers), rie_responses.ACCEPTED)

    def abort(self) -> None:
        self._end(rie_responses.stream_truncated(), rie_responses.ACCEPTED)

    def _end(self, answer: HttpResponse, to_runtime: HttpResponse) -> HttpResponse:
        finish, self._finish = self._finish, None
        return to_runtime if finish is None else finish(answer, to_runtime)
