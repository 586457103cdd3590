"""A minimal Runtime API for measuring runtimes, not for testing them: raw sockets, fixed event.

Run as its own process (`python -m bench.toys.runtime_api_stub`) so it can be pinned beside the
runtime under test. It answers /next with a canned event and every POST with 202, and prints
a JSON line when the measured window opens (`{"mark": "warm"}`, at the first /next after the
warm-up) and when it closes (the figures), at which point the runtime sits blocked in /next:
a driver reading the runtime's CPU time at those two lines gets the window's CPU exactly.

For cold start, the figures also say when the first /next and the first answer arrived (and the
runtime's CPU time then and at restore/next, if the driver writes the runtime's pid on the
stub's stdin: on the same core, the runtime is not running while the stub reads it), and, for
a runtime started with AWS_LAMBDA_INITIALIZATION_TYPE=snap-start, when `restore/next` arrived
(init done: the snapshot would be taken now) and when it was answered (the restore).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time

from bench.toys.raw_http import read_message

EVENT = b'{"input": "hello"}'
NEXT_PREFIX = b"GET /2018-06-01/runtime/invocation/next"
REGISTERED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Lambda-Extension-Identifier: 00000000-0000-4000-8000-000000000000\r\n"
    b"Content-Length: 2\r\n\r\n{}"
)
REGISTER_PREFIX = b"POST /2020-01-01/extension/register"
RESTORE_NEXT_PREFIX = b"GET /2018-06-01/runtime/restore/next"
RESTORED = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
ACCEPTED = (
    b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n"
    b'{"status":"OK"}\n'
)


def _event_reply(number: int) -> bytes:
    request_id = b"00000000-0000-4000-8000-%012d" % number
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b"Lambda-Runtime-Aws-Request-Id: " + request_id + b"\r\n"
        b"Lambda-Runtime-Deadline-Ms: 4102444800000\r\n"
        b"Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:b\r\n"
        b"Lambda-Runtime-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0\r\n"
        b"Content-Length: %d\r\n\r\n" % len(EVENT) + EVENT
    )


_runtime_pid: list[int] = []


def _runtime_cpu_ns() -> int | None:
    """The runtime's CPU time so far (/proc/PID/schedstat), if the driver named its pid."""
    if not _runtime_pid:
        line = sys.stdin.readline() if not sys.stdin.isatty() else ""
        _runtime_pid.append(int(line) if line.strip().isdigit() else 0)
    if not _runtime_pid[0]:
        return None
    with open(f"/proc/{_runtime_pid[0]}/schedstat") as stat:
        return int(stat.read().split()[0])


def serve(
    listener: socket.socket, warmup: int, invocations: int
) -> tuple[dict[str, float], socket.socket]:
    """Serve until `warmup + invocations` events are answered; time the measured ones.

    Returns the figures and the runtime's connection, still open.
    """
    nexts = 0
    first_next_ns = started_ns = first_answer_ns = restore_next_ns = restored_ns = 0
    first_answer_cpu_ns = restore_next_cpu_ns = None
    while True:
        connection, _ = listener.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = connection.makefile("rb")
        while (request := read_message(reader)) is not None:
            request_line = request[0]
            if request_line.startswith(RESTORE_NEXT_PREFIX):
                restore_next_ns = time.monotonic_ns()
                restore_next_cpu_ns = _runtime_cpu_ns()
                connection.sendall(RESTORED)
                restored_ns = time.monotonic_ns()
                continue
            if not request_line.startswith(NEXT_PREFIX):
                if not first_answer_ns and request_line.startswith(b"POST /2018-06-01/runtime/"):
                    first_answer_ns = time.monotonic_ns()
                    first_answer_cpu_ns = _runtime_cpu_ns()
                # an internal extension's event/next arrives on a second connection, which
                # this one-connection-at-a-time stub never reads: parked, as on Lambda
                registered = request_line.startswith(REGISTER_PREFIX)
                connection.sendall(REGISTERED if registered else ACCEPTED)
                continue
            now = time.monotonic_ns()
            nexts += 1
            if nexts == 1:
                first_next_ns = now
            if nexts == warmup + 1:
                started_ns = now
                if invocations:
                    print(json.dumps({"mark": "warm"}), flush=True)
            if nexts == warmup + invocations + 1:
                measured_ns = now - started_ns
                figures = {
                    "first_next_monotonic_ns": first_next_ns,
                    "first_answer_monotonic_ns": first_answer_ns,
                    "first_answer_cpu_ns": first_answer_cpu_ns,
                    "restore_next_cpu_ns": restore_next_cpu_ns,
                    "restore_next_monotonic_ns": restore_next_ns,
                    "restored_monotonic_ns": restored_ns,
                    "us_per_invoke": measured_ns / invocations / 1000 if invocations else 0.0,
                }
                return figures, connection
            connection.sendall(_event_reply(nexts))
        connection.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.toys.runtime_api_stub")
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--invocations", type=int, default=0, help="0: stop at the first /next")
    args = parser.parse_args(argv)
    listener = socket.create_server(("127.0.0.1", 0))
    print(json.dumps({"port": listener.getsockname()[1]}), flush=True)
    figures, runtime_connection = serve(listener, args.warmup, args.invocations)
    print(json.dumps(figures), flush=True)
    # Hold the runtime's connection open until the driver kills us: closing it would wake the
    # runtime (reconnect, retry log) while the driver is reading its CPU time.
    with runtime_connection:
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
