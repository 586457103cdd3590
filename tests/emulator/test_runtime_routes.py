"""The Runtime API's routing, spoken to over its own socket beside a running runtime."""

from __future__ import annotations

import http.client
import json
import socket

import pytest

ANSWER_BASE = "/2018-06-01/runtime/invocation/some-id"


def invoke_seq(emulator) -> int:
    status, _, body = emulator.invoke(b'{"mode": "seq"}')
    assert status == 200, body
    return json.loads(body)["n"]


@pytest.fixture
def emulator_and_api_port(start_emulator):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        api_port = probe.getsockname()[1]
    emulator = start_emulator("--runtime-api-address", f"127.0.0.1:{api_port}")
    assert invoke_seq(emulator) == 1  # the runtime is up, and parked in /next
    return emulator, api_port


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", f"{ANSWER_BASE}/response", 405),
        ("GET", f"{ANSWER_BASE}/error", 405),
        ("POST", f"{ANSWER_BASE}/bogus", 404),
        ("POST", "/2018-06-01/runtime/invocation//response", 404),
    ],
)
def test_wrong_methods_and_actions_are_refused_and_the_runtime_serves_on(
    emulator_and_api_port, method: str, path: str, status: int
) -> None:
    emulator, api_port = emulator_and_api_port
    connection = http.client.HTTPConnection("127.0.0.1", api_port, timeout=10)
    try:
        connection.request(method, path, body=b"{}" if method == "POST" else None)
        assert connection.getresponse().status == status
    finally:
        connection.close()
    assert invoke_seq(emulator) == 2
