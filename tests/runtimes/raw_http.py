"""The raw-socket HTTP/1.1 both bare runtimes here speak: connect, and read one answer.

Only Content-Length framed answers, which is all the emulator sends. The runtimes are run as
scripts, so this folder is on their sys.path.
"""

import os
import socket


def connect() -> tuple[socket.socket, object]:
    """Connect to AWS_LAMBDA_RUNTIME_API; return the socket and a buffered reader on it."""
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].split(":")
    connection = socket.create_connection((host, int(port)))
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection, connection.makefile("rb")


def read_answer(reader) -> tuple[dict[bytes, bytes], bytes]:
    """Headers (lower-cased names) and body of the next answer."""
    reader.readline()  # status line
    headers = {}
    line = reader.readline()
    while line not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        headers[name.lower()] = value.strip()
        line = reader.readline()
    return headers, reader.read(int(headers.get(b"content-length", b"0")))
