"""`python -m bench.toys.stdlib_runtime module.function`: the floor, a bare stdlib Lambda runtime.

One http.client connection, no framework, no logging library: the least a Python runtime can do
per invocation. As a third contender under `--peers` it shows what the Runtime API round trips
cost on this backend and machine by themselves, so lambdaflow's `post_ms` can be judged against
it. After each invocation it prints one JSON line (`--message`, default `bench.stdlib.metrics`)
with `handler_ms`, `post_ms` and `total_ms` measured the way lambdaflow measures them.
`--drop-metrics-every N` leaves out every Nth line, for testing that lost lines are counted.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import sys
import time
from types import SimpleNamespace

from lambdaflow.observability.metrics_record import FIELD_OF_PHASE, OUTCOME_FIELD, TOTAL_FIELD

STDLIB_METRICS_MESSAGE = "bench.stdlib.metrics"
BASE = "/2018-06-01/runtime/invocation"


def _ms(since_ns: int) -> float:
    return round((time.perf_counter_ns() - since_ns) / 1e6, 6)


def _load(handler: str):
    module, _, function = handler.rpartition(".")
    return getattr(importlib.import_module(module), function)


def serve(handler: str, message: str, drop_every: int) -> None:
    """The invocation loop: next, handler, post response (or error), metrics line; forever."""
    function = _load(handler)
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port))
    for count in range(1, sys.maxsize):
        connection.request("GET", f"{BASE}/next")
        response = connection.getresponse()
        event = response.read()
        started = time.perf_counter_ns()
        request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
        context = SimpleNamespace(aws_request_id=request_id)
        handler_started = time.perf_counter_ns()
        try:
            body, outcome = json.dumps(function(json.loads(event or b"{}"), context)), "success"
            path = f"{BASE}/{request_id}/response"
        except Exception as error:  # the loop must survive any handler failure
            body = json.dumps({"errorMessage": str(error), "errorType": type(error).__name__})
            path, outcome = f"{BASE}/{request_id}/error", "handler_error"
        handler_ms = _ms(handler_started)
        post_started = time.perf_counter_ns()
        connection.request("POST", path, body=body.encode())
        connection.getresponse().read()
        post_ms = _ms(post_started)
        if drop_every and count % drop_every == 0:
            continue
        record = {"message": message, "request_id": request_id, OUTCOME_FIELD: outcome,
                  FIELD_OF_PHASE["handler"]: handler_ms, FIELD_OF_PHASE["post"]: post_ms,
                  TOTAL_FIELD: _ms(started)}
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.toys.stdlib_runtime",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("handler", help="module.function, called as function(event, context)")
    parser.add_argument("--message", default=STDLIB_METRICS_MESSAGE)
    parser.add_argument("--drop-metrics-every", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    serve(args.handler, args.message, args.drop_metrics_every)


if __name__ == "__main__":
    main(sys.argv[1:])
