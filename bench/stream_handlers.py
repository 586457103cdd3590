"""The functions `python -m bench streaming` runs: the same work streamed and buffered.

Event `{"chunks": N, "gap_ms": G, "size": S}`: N chunks of S bytes, G ms apart. `streamed`
yields each as it is made; `buffered` makes them all, then returns them joined.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from lambdaflow import App

streamed = App()
buffered = App()


def _chunks(event: dict) -> Iterator[bytes]:
    chunk = b"x" * event["size"]  # one object: the benchmark measures the stream, not bytes()
    gap = event["gap_ms"] / 1000
    for _ in range(event["chunks"]):
        if gap:
            time.sleep(gap)
        yield chunk


@streamed.handler
def stream(event: dict) -> Iterator[bytes]:
    yield from _chunks(event)


@buffered.handler
def buffer(event: dict) -> bytes:
    return b"".join(_chunks(event))
