"""`python -m bench.toys.echo_server`: a plain loopback HTTP/1.1 server that echoes each body.

The floor under the emulator's latency figure: one HTTP round trip to a Python server, with no
runtime hop behind it. Serves one keep-alive connection at a time, as the benchmark's client
uses one. Says `echo listening on http://127.0.0.1:PORT` on stderr once it accepts.
"""

import socket
import sys

from bench.toys.raw_http import read_message


def serve(listener: socket.socket) -> None:
    """Answer every request with 200 and its own body, connection after connection, forever."""
    while True:
        connection, _ = listener.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with connection, connection.makefile("rb") as reader:
            while (request := read_message(reader)) is not None:
                body = request[2]
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                                   % (len(body), body))


def main() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    print(f"echo listening on http://127.0.0.1:{listener.getsockname()[1]}", file=sys.stderr,
          flush=True)
    serve(listener)


if __name__ == "__main__":
    main()
