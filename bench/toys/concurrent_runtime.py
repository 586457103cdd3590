"""A stdlib runtime for Lambda Managed Instances: AWS_LAMBDA_MAX_CONCURRENCY threads, each on
its own Runtime API connection, each serving one invocation at a time.

The event says what to do: {"sleep_s": 0.1} works that long before answering; the answer is
{"request_id": ..., "worker": ..., "event": ...}; {"stream": [count, size]} streams that many
chunks of that many bytes instead (Lambda's streaming response mode), {"big": size} answers
that many bytes (sent a MiB at a time, never held whole). Each worker prints
"worker W handles ID" when it starts an invocation. A late answer (after the invocation's
deadline) is refused by the emulator; the worker prints the status it got and carries on.
"""

import json
import os
import threading
import time

from raw_http import connect, read_answer

BASE = "/2018-06-01/runtime/invocation/"


def stream(connection, request_id: str, count: int, size: int) -> None:
    connection.sendall(
        f"POST {BASE}{request_id}/response HTTP/1.1\r\nHost: runtime\r\n"
        "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
        "Transfer-Encoding: chunked\r\n\r\n".encode()
    )
    chunk = b"%x\r\n%b\r\n" % (size, b"x" * size)
    for _ in range(count):
        connection.sendall(chunk)
    connection.sendall(b"0\r\n\r\n")


def big(connection, request_id: str, size: int) -> None:
    connection.sendall(
        f"POST {BASE}{request_id}/response HTTP/1.1\r\nHost: runtime\r\n"
        f"Content-Length: {size}\r\n\r\n".encode()
    )
    block = b"x" * (1 << 20)
    for start in range(0, size, len(block)):
        connection.sendall(block[: size - start])


def serve(worker: int) -> None:
    connection, reader = connect()
    while True:
        connection.sendall(f"GET {BASE}next HTTP/1.1\r\nHost: runtime\r\n\r\n".encode())
        headers, body = read_answer(reader)
        request_id = headers[b"lambda-runtime-aws-request-id"].decode()
        event = json.loads(body)
        print(f"worker {worker} handles {request_id}\n", end="", flush=True)  # one write
        time.sleep(event.get("sleep_s", 0))
        if "big" in event:
            big(connection, request_id, event["big"])
            read_answer(reader)
            continue
        if "stream" in event:
            stream(connection, request_id, *event["stream"])
            read_answer(reader)
            continue
        answer = json.dumps({"request_id": request_id, "worker": worker, "event": event}).encode()
        connection.sendall(
            f"POST {BASE}{request_id}/response HTTP/1.1\r\nHost: runtime\r\n"
            f"Content-Length: {len(answer)}\r\n\r\n".encode() + answer
        )
        reply = read_answer(reader)
        if b'"status":"OK"' not in reply[1]:
            print(f"worker {worker} answer refused: {reply[1].decode()}\n", end="", flush=True)


workers = int(os.environ.get("AWS_LAMBDA_MAX_CONCURRENCY", "1"))
threads = [threading.Thread(target=serve, args=(index,)) for index in range(workers)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
