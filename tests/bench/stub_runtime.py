"""A minimal stdlib Lambda runtime for testing the benchmark's runner without lambdaflow.

It answers every event with `{"message": <input>}` and prints an `invocation.metrics` line
after each invocation, except every Nth one when STUB_DROP_METRICS_EVERY=N (to test that a
lost metrics line is counted). Run: `python tests/bench/stub_runtime.py`.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import time


def _ms(start: int) -> float:
    return round((time.perf_counter_ns() - start) / 1e6, 6)


def main() -> None:
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
    drop_every = int(os.environ.get("STUB_DROP_METRICS_EVERY", "0"))
    connection = http.client.HTTPConnection(host, int(port))
    base = "/2018-06-01/runtime/invocation"
    for count in range(1, 1_000_000):
        connection.request("GET", f"{base}/next")
        response = connection.getresponse()
        event = response.read()
        started = time.perf_counter_ns()
        request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
        handler_started = time.perf_counter_ns()
        body = json.dumps({"message": json.loads(event or b"{}").get("input")}).encode()
        handler_ms = _ms(handler_started)
        post_started = time.perf_counter_ns()
        connection.request("POST", f"{base}/{request_id}/response", body=body)
        connection.getresponse().read()
        post_ms = _ms(post_started)
        if drop_every and count % drop_every == 0:
            continue
        record = {"message": "invocation.metrics", "request_id": request_id,
                  "outcome": "success", "handler_ms": handler_ms, "post_ms": post_ms,
                  "total_ms": _ms(started)}
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
