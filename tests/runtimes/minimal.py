"""The leanest stdlib Lambda runtime: raw socket HTTP/1.1, echo every event back.

Used for the emulator's latency figure so that the runtime's own cost (http.client parses
headers through the email package and sends a POST in two segments) does not hide the
emulator's. It only understands Content-Length framed answers, which is all the emulator sends.
"""

import os
import socket

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
connection = socket.create_connection((host, int(port)))
connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
reader = connection.makefile("rb")
NEXT = b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n"


def read_answer() -> tuple[dict[bytes, bytes], bytes]:
    reader.readline()  # status line
    headers = {}
    line = reader.readline()
    while line not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        headers[name.lower()] = value.strip()
        line = reader.readline()
    return headers, reader.read(int(headers.get(b"content-length", b"0")))


while True:
    connection.sendall(NEXT)
    headers, event = read_answer()
    request_id = headers[b"lambda-runtime-aws-request-id"]
    head = b"POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\n" % request_id
    framing = b"Host: runtime\r\nContent-Length: %d\r\n\r\n" % len(event)
    connection.sendall(head + framing + event)
    read_answer()
