"""Callers that get the runtime's answer as it arrives, and the InvokeWithResponseStream one.

A streaming caller is told when the runtime's streamed response begins, each piece of it, and
the invocation's outcome in the form a classic invoke would get it (an ``HttpResponse``: a
buffered body, or a function error flagged ``X-Amz-Function-Error``), so that every way an
invocation can end (error trailers, /error, a timeout, an exit, a cut) is told one way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from lambdaflow.emulator.http.http11 import Deferred
from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.emulator.routes import event_stream, rie_responses
from lambdaflow.emulator.routes.streamed_response import StreamedResponse

_LOG_RESULT = "X-Amz-Log-Result"


def is_function_error(answer: HttpResponse) -> bool:
    return rie_responses.FUNCTION_ERROR in answer.headers


class StreamingCaller:
    """The caller's side of a relay; subclasses say how the answer is framed for it."""

    def __init__(self, answer: Deferred) -> None:
        self._answer = answer
        self._stream: StreamedResponse | None = None
        self._opened = False
        #: Pauses (False) or resumes (True) reading the runtime's response; set by the Sandbox.
        self.flow: Callable[[bool], None] | None = None

    def begin(self, content_type: str) -> None:
        """The runtime began a streamed response with this Content-Type."""
        raise NotImplementedError

    def data(self, piece: bytes) -> None:
        """A piece of the runtime's streamed body, as it arrived."""
        raise NotImplementedError

    def complete(self, answer: HttpResponse, extra: Sequence[tuple[str, str]]) -> None:
        """The outcome; ``answer.body`` is the payload only when nothing was streamed."""
        raise NotImplementedError

    def _open(self, status: int, headers: Sequence[tuple[str, str]]) -> None:
        """Send the head (once); a caller that already hung up gets nothing more."""
        if self._opened:
            return
        self._opened = True
        if self._answer.done:  # the caller hung up while the function ran
            return
        stream = self._stream = StreamedResponse(status, headers)
        stream.on_flow = self.flow
        stream.on_gone = self._gone
        self._answer.resolve(stream)

    def _gone(self) -> None:
        """The caller hung up mid-stream: the rest is read and dropped, never left paused."""
        self._stream = None
        if self.flow is not None:
            self.flow(True)

    def _finish(self, complete: bool) -> None:
        """End the caller's stream (its last chunk, or a cut). The outcome may come before the
        runtime's stream ends (a deadline): the rest is then read and dropped, and reading
        resumes even if a slow caller had paused it, or the runtime's POST would stay blocked
        and keep its conversation (a Managed Instances slot) for good."""
        stream = self._stream
        if stream is not None:
            self._gone()
            if complete:
                stream.end()
            else:
                stream.abort()


class EventStreamCaller(StreamingCaller):
    """``InvokeWithResponseStream``: 200 and an event stream, whatever the outcome."""

    def __init__(self, answer: Deferred, executed_version: str) -> None:
        super().__init__(answer)
        self._headers = (
            ("Content-Type", event_stream.CONTENT_TYPE),
            ("X-Amz-Executed-Version", executed_version),
        )

    def begin(self, content_type: str) -> None:
        self._open(200, self._headers)

    def data(self, piece: bytes) -> None:
        if self._stream is not None:
            self._stream.write(event_stream.payload_chunk(piece))

    def complete(self, answer: HttpResponse, extra: Sequence[tuple[str, str]]) -> None:
        self._open(200, self._headers)
        stream = self._stream
        if stream is None:
            return
        failed = is_function_error(answer)
        if answer.body and not failed:  # a buffered answer: one PayloadChunk
            stream.write(event_stream.payload_chunk(answer.body))
        completion = error_fields(answer.body) if failed else {}
        log_result = dict(extra).get(_LOG_RESULT)
        if log_result is not None:
            completion["LogResult"] = log_result
        stream.write(event_stream.invoke_complete(json.dumps(completion).encode()))
        self._finish(True)


def error_fields(body: bytes) -> dict[str, str]:
    """InvokeComplete's ErrorCode and ErrorDetails from a function error's body: errorType and
    errorMessage when it is Lambda's error JSON; else "Unhandled" and the body as text."""
    try:
        error = json.loads(body)
    except (ValueError, RecursionError):  # nested too deeply is no error JSON either
        error = None
    if isinstance(error, dict) and isinstance(error.get("errorType"), str):
        return {"ErrorCode": error["errorType"], "ErrorDetails": str(error.get("errorMessage", ""))}
    return {"ErrorCode": "Unhandled", "ErrorDetails": body.decode(errors="replace")}
