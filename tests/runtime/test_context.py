"""Context as a handler sees it (built in process: it is a plain value)."""

from __future__ import annotations

import time

from lambdaflow import Context


def context_with_deadline(deadline_ms: int) -> Context:
    return Context("r-1", deadline_ms, "arn", None, None, "fn", "$LATEST", "128",
                   "/aws/lambda/fn", "stream")


def test_remaining_time_counts_down_and_never_goes_negative():
    now_ms = int(time.time() * 1000)
    assert 0 < context_with_deadline(now_ms + 60_000).get_remaining_time_in_millis() <= 60_000
    assert context_with_deadline(now_ms - 5_000).get_remaining_time_in_millis() == 0
