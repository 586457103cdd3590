"""HTTP client for the invoke endpoint: one keep-alive connection, timed round trips.

One connection for the whole run so the figures measure the emulator and the runtime, not TCP
handshakes. Only loopback is used.
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass

INVOKE_PATH = "/2015-03-31/functions/function/invocations"


@dataclass(frozen=True)
class InvokeResult:
    """What the caller saw: status, body, and the client-side round trip."""

    status: int
    body: bytes
    elapsed_ms: float


class Invoker:
    """POSTs events to an RIE-compatible invoke endpoint over one persistent connection."""

    def __init__(self, host: str, port: int, timeout: float = 120.0) -> None:
        self._connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def invoke(self, payload: bytes) -> InvokeResult:
        """One invocation; reconnects once if the server closed the idle connection."""
        started = time.perf_counter()
        try:
            status, body = self._post(payload)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self._connection.close()
            status, body = self._post(payload)
        return InvokeResult(status, body, (time.perf_counter() - started) * 1000)

    def _post(self, payload: bytes) -> tuple[int, bytes]:
        self._connection.request(
            "POST", INVOKE_PATH, body=payload, headers={"Content-Type": "application/json"}
        )
        response = self._connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self._connection.close()


def wait_for_http(host: str, port: int, timeout: float) -> bool:
    """True once anything answers HTTP on host:port (a GET that invokes nothing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection(host, port, timeout=2.0)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return True
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
        finally:
            connection.close()
    return False
