"""A stdlib runtime that streams its responses (chunked, Lambda's streaming response mode).

The event says what to send: {"chunks": ["a", "b"], "error": "Type"}; with "error", the stream
ends with Lambda's error trailers (type, and the error body in base64).
"""

import base64
import json

from raw_http import connect, read_answer

connection, reader = connect()
BASE = "/2018-06-01/runtime/invocation/"

while True:
    connection.sendall(f"GET {BASE}next HTTP/1.1\r\nHost: runtime\r\n\r\n".encode())
    headers, body = read_answer(reader)
    event = json.loads(body)
    request_id = headers[b"lambda-runtime-aws-request-id"].decode()
    message = [
        f"POST {BASE}{request_id}/response HTTP/1.1\r\nHost: runtime\r\n"
        "Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
        "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n"
    ]
    message += [f"{len(chunk.encode()):x}\r\n{chunk}\r\n" for chunk in event["chunks"]]
    message.append("0\r\n")
    if "error" in event:
        error = {"errorMessage": "broke mid-stream", "errorType": event["error"]}
        encoded = base64.b64encode(json.dumps(error).encode()).decode()
        message.append(f"Lambda-Runtime-Function-Error-Type: {event['error']}\r\n")
        message.append(f"Lambda-Runtime-Function-Error-Body: {encoded}\r\n")
    message.append("\r\n")
    connection.sendall("".join(message).encode())
    read_answer(reader)
