"""A runtime that answers its first event and then stops asking for events (STALL_MODE):

- "after_answer": posts the answer, then sleeps instead of calling /next again;
- "pipelined": posts the answer and the next /next in one write, then sits on that event.

It holds its first answer for 0.5 s, so that the test's second invoke is queued by then.
Neither may hold the invocations queued behind it forever.
"""

import os
import time

from raw_http import connect, read_answer

NEXT = b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n"

connection, reader = connect()
connection.sendall(NEXT)
headers, _ = read_answer(reader)
time.sleep(0.5)
request_id = headers[b"lambda-runtime-aws-request-id"]
answer = b"POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\n" % request_id
answer += b"Host: runtime\r\nContent-Length: 2\r\n\r\nok"
if os.environ["STALL_MODE"] == "pipelined":
    connection.sendall(answer + NEXT)
    read_answer(reader)  # the 202
    read_answer(reader)  # the second event, never answered
else:
    connection.sendall(answer)
    read_answer(reader)
time.sleep(3600)
