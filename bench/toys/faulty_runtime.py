"""A stdlib Lambda runtime with faults to inject, proving that the soak's checks catch them.

Echoes `{"message": <input>}` and prints one `invocation.metrics` line per invocation, unless
told to misbehave: answer every Nth event with the previous event's answer, print every Nth
metrics line twice, keep one more open descriptor or KiB of touched memory per invocation.
Run under the emulator: `python bench/toys/faulty_runtime.py [--repeat-every N] ...`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys

from lambdaflow.observability.metrics_record import METRICS_MESSAGE, OUTCOME_FIELD

BASE = "/2018-06-01/runtime/invocation"
MAX_INVOCATIONS = 10_000_000  # bounded loop; the emulator stops the process long before


def _every(period: int, count: int) -> bool:
    return period > 0 and count % period == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat-every", type=int, default=0, metavar="N")
    parser.add_argument("--double-metrics-every", type=int, default=0, metavar="N")
    parser.add_argument("--leak-fds", action="store_true")
    parser.add_argument("--leak-kib", type=int, default=0, metavar="KIB")
    args = parser.parse_args()
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port))
    leaked_fds: list[int] = []
    leaked_memory: list[bytes] = []
    previous = b"{}"
    for count in range(1, MAX_INVOCATIONS):
        connection.request("GET", f"{BASE}/next")
        response = connection.getresponse()
        event = json.loads(response.read())
        request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
        answer = json.dumps({"message": event["input"]}).encode()
        body = previous if _every(args.repeat_every, count) else answer
        previous = answer
        connection.request("POST", f"{BASE}/{request_id}/response", body=body)
        connection.getresponse().read()
        if args.leak_fds:
            leaked_fds.append(os.open(os.devnull, os.O_RDONLY))
        if args.leak_kib:
            leaked_memory.append(b"x" * (args.leak_kib * 1024))  # written, so resident
        record = json.dumps({"message": METRICS_MESSAGE, "request_id": request_id,
                             OUTCOME_FIELD: "success"}) + "\n"
        sys.stdout.write(record * (2 if _every(args.double_metrics_every, count) else 1))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
