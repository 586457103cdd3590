"""The raw-socket HTTP/1.1 the toy runtimes and servers here speak: connect, read one message.

Only Content-Length framed messages, which is all the emulator and the toy servers send. The
runtimes are run as scripts, so this folder is on their sys.path (`from raw_http import ...`);
the servers run as modules of `bench.toys`.
"""

import os
import socket


def connect() -> tuple[socket.socket, object]:
    """Connect to AWS_LAMBDA_RUNTIME_API; return the socket and a buffered reader on it."""
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
    connection = socket.create_connection((host, int(port)))
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection, connection.makefile("rb")


def read_message(reader) -> tuple[bytes, dict[bytes, bytes], bytes] | None:
    """Start line, headers (lower-cased names) and body of the next message; None at EOF."""
    start_line = reader.readline()
    if not start_line:
        return None
    headers = {}
    line = reader.readline()
    while line not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        headers[name.lower()] = value.strip()
        line = reader.readline()
    return start_line, headers, reader.read(int(headers.get(b"content-length", b"0")))


def read_answer(reader) -> tuple[dict[bytes, bytes], bytes]:
    """Headers and body of the next answer, for a runtime (the emulator never hangs up first)."""
    message = read_message(reader)
    if message is None:
        raise ConnectionError("the Runtime API closed the connection")
    return message[1], message[2]
