"""The raw-socket floor under `bench billed`: sleep 30 ms, write one JSON log line, answer.

Run by path (`python bench/toys/sleep_runtime.py`) so raw_http is importable; the same work as
`bench.billed_functions`' handlers with nothing of a runtime around it.
"""

import json
import sys
import time

from raw_http import connect, read_answer

connection, reader = connect()
NEXT = b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n"
ANSWER = b'{"slept_ms": 30}'

while True:
    connection.sendall(NEXT)
    headers, event = read_answer(reader)
    request_id = headers[b"lambda-runtime-aws-request-id"]
    time.sleep(0.03)
    sys.stdout.write(json.dumps({"message": "slept", "slept_ms": 30}) + "\n")
    sys.stdout.flush()
    head = b"POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\n" % request_id
    framing = b"Host: runtime\r\nContent-Length: %d\r\n\r\n" % len(ANSWER)
    connection.sendall(head + framing + ANSWER)
    read_answer(reader)
