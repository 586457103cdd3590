"""A stdlib runtime that streams its responses (chunked, Lambda's streaming response mode).

The event says what to send: {"chunks": ["a", "b"], "error": "Type"}; with "error", the stream
ends with Lambda's error trailers (type, and the error body in base64). Each chunk goes out on
its own write, "pause_s" apart (a handler producing slowly), after a line on stdout if "say"
is true; "fill": [count, size] appends that many chunks of that many bytes (a large stream);
"content_type" sets the response's Content-Type (e.g. Lambda's HTTP integration type, whose
prelude is then the first chunk); "hang_up": true closes the connection before the last
chunk, "garbage": true breaks the chunked framing there (then reconnects); "buffered": true
answers the chunks joined in one Content-Length response instead. Behind a Function URL the
instructions are the request's body (JSON, in base64 or not); with ?echo, the toy answers
the Function URL event itself, as JSON.
"""

import base64
import json
import time

from raw_http import connect, read_answer

connection, reader = connect()
BASE = "/2018-06-01/runtime/invocation/"


def send_chunk(data: bytes) -> None:
    connection.sendall(b"%x\r\n%b\r\n" % (len(data), data))


while True:
    connection.sendall(f"GET {BASE}next HTTP/1.1\r\nHost: runtime\r\n\r\n".encode())
    headers, body = read_answer(reader)
    event = json.loads(body)
    if "requestContext" in event:  # a Function URL event: the request's body says what to do
        url_event, raw = event, event.get("body") or "{}"
        if "echo" in url_event.get("queryStringParameters", {}):
            event = {"chunks": [json.dumps(url_event)]}
        else:
            event = json.loads(base64.b64decode(raw) if url_event["isBase64Encoded"] else raw)
    request_id = headers[b"lambda-runtime-aws-request-id"].decode()
    chunks = [chunk.encode() for chunk in event["chunks"]]
    content_type = event.get("content_type", "application/octet-stream")
    if event.get("buffered"):
        payload = b"".join(chunks)
        connection.sendall(
            f"POST {BASE}{request_id}/response HTTP/1.1\r\nHost: runtime\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        read_answer(reader)
        continue
    connection.sendall(
        f"POST {BASE}{request_id}/response HTTP/1.1\r\nHost: runtime\r\n"
        f"Content-Type: {content_type}\r\n"
        "Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
        "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n"
        "\r\n".encode()
    )
    for index, chunk in enumerate(chunks):
        if index and event.get("pause_s"):
            time.sleep(event["pause_s"])
        if event.get("say"):
            print(f"sending chunk {index}", flush=True)
        send_chunk(chunk)
    count, size = event.get("fill", (0, 0))
    filler = b"x" * size
    for _ in range(count):
        send_chunk(filler)
    if event.get("hang_up") or event.get("garbage"):
        if event.get("garbage"):
            connection.sendall(b"not-a-size\r\n")
            read_answer(reader)  # the emulator's 400, then it closes
        connection.close()
        connection, reader = connect()
        continue
    ending = ["0\r\n"]
    if "error" in event:
        error = {"errorMessage": "broke mid-stream", "errorType": event["error"]}
        encoded = base64.b64encode(json.dumps(error).encode()).decode()
        ending.append(f"Lambda-Runtime-Function-Error-Type: {event['error']}\r\n")
        ending.append(f"Lambda-Runtime-Function-Error-Body: {encoded}\r\n")
    ending.append("\r\n")
    connection.sendall("".join(ending).encode())
    read_answer(reader)
