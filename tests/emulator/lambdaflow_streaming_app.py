"""lambdaflow apps that stream, run by the emulator tests as `python -m lambdaflow
tests.emulator.lambdaflow_streaming_app:<name>` (a real runtime behind the real emulator).

`gate` in an event names a file the handler waits for after its first chunk: the test creates
it only once it has read that chunk, so the chunk provably left before the handler finished.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Iterator

from lambdaflow import App, HttpStream

GATE_TIMEOUT_S = 60
MIB = 1024 * 1024


def _wait_for(path: str) -> None:
    deadline = time.monotonic() + GATE_TIMEOUT_S
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the test never opened the gate {path}")
        time.sleep(0.01)


def _chunks(event: dict) -> Iterator[bytes]:
    chunks = event.get("chunks", [])
    for index, chunk in enumerate(chunks):
        yield chunk.encode()
        if index == 0 and event.get("gate"):
            _wait_for(event["gate"])
    for _ in range(event.get("mib", 0)):
        yield b"x" * MIB
    if event.get("fail"):
        raise RuntimeError(event["fail"])


generator = App()


@generator.handler
def stream_chunks(event: dict) -> Iterator[bytes]:
    yield from _chunks(event)


def _url_body(event: dict) -> dict:
    body = event.get("body") or "{}"
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body)


http_stream = App()


@http_stream.handler
def stream_http(event: dict) -> HttpStream:
    return HttpStream(
        status_code=201,
        headers={"Content-Type": "text/plain", "X-Path": event["rawPath"]},
        cookies=["a=1; Path=/", "b=2"],
        body=_chunks(_url_body(event)),
    )


buffered = App()


@buffered.handler
def answer_buffered(event: dict) -> dict:
    return {
        "statusCode": 202,
        "headers": {"X-Buffered": "yes"},
        "cookies": ["c=3"],
        "body": "whole " + event["rawPath"],
    }
