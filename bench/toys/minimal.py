"""The leanest stdlib Lambda runtime: raw socket HTTP/1.1, echo every event back.

Used for the emulator's latency figure so that the runtime's own cost (http.client parses
headers through the email package and sends a POST in two segments) does not hide the
emulator's.
"""

from raw_http import connect, read_answer

connection, reader = connect()
NEXT = b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n"

while True:
    connection.sendall(NEXT)
    headers, event = read_answer(reader)
    request_id = headers[b"lambda-runtime-aws-request-id"]
    head = b"POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\n" % request_id
    framing = b"Host: runtime\r\nContent-Length: %d\r\n\r\n" % len(event)
    connection.sendall(head + framing + event)
    read_answer(reader)
