"""The Router behind the emulator, with real HTTP clients: the API Gateway HTTP API front
(payload 2.0 and 1.0) and the Function URL, streamed routes included."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.http.http_samples import free_port

RUNTIME = [sys.executable, "-m", "lambdaflow", "tests.http.routes_app:app"]


class Front:
    def __init__(self, emulator, port: int) -> None:
        self.emulator = emulator
        self.port = port

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage,
                                                                bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


@pytest.fixture
def api_v2(start_emulator):
    port = free_port()
    emulator = start_emulator("--api-port", str(port), "--function-url-port", "0",
                              runtime=RUNTIME)
    return Front(emulator, port)


@pytest.fixture
def api_v1(start_emulator):
    port = free_port()
    emulator = start_emulator("--api-port", str(port), "--api-payload-version", "1.0",
                              runtime=RUNTIME)
    return Front(emulator, port)


def test_http_api_typed_route_and_its_400(api_v2) -> None:
    status, headers, body = api_v2.request(
        "POST", "/orders/12/items?dry_run=true&tag=x&tag=y", '{"sku": "BK-7", "qty": 2}',
        {"content-type": "application/json"},
    )
    assert status == 200, body
    assert headers["x-served-by"] == "router"
    assert json.loads(body) == {"order_id": 12, "item": {"sku": "BK-7", "qty": 2, "gift": False},
                                "dry_run": True, "tags": ["x", "y"]}
    status, _, body = api_v2.request("POST", "/orders/x/items", '{"sku": 1, "qty": 2}',
                                     {"content-type": "application/json"})
    assert status == 400
    assert [e["field"] for e in json.loads(body)["errors"]] == ["path.id", "body.sku"]


def test_http_api_404_405_and_500(api_v2) -> None:
    assert api_v2.request("GET", "/nowhere")[0] == 404
    status, headers, _ = api_v2.request("PUT", "/orders/1")
    assert status == 405
    assert headers["allow"] == "DELETE, GET, HEAD, PATCH"
    status, _, body = api_v2.request("GET", "/boom")
    assert status == 500
    assert json.loads(body) == {"message": "Internal Server Error"}
    assert "secret internal detail" in api_v2.emulator.output()  # in the function's log


def test_http_api_cookies_binary_and_cors_with_curl(api_v2) -> None:
    base = f"http://127.0.0.1:{api_v2.port}"
    out = subprocess.run(["curl", "-si", f"{base}/orders/5", "-H", "Cookie: a=1; b=2"],
                         capture_output=True, check=True, timeout=30).stdout
    _, _, body = out.partition(b"\r\n\r\n")
    assert json.loads(body)["cookies"] == {"a": "1", "b": "2"}
    out = subprocess.run(["curl", "-si", f"{base}/health"], capture_output=True, check=True,
                         timeout=30).stdout
    cookies = [line for line in out.split(b"\r\n") if line.lower().startswith(b"set-cookie")]
    assert cookies == [b"Set-Cookie: session=abc; Path=/; HttpOnly", b"Set-Cookie: theme=dark"]
    png = bytes(range(256))
    status, headers, body = api_v2.request("PUT", "/thumbnails", png,
                                           {"content-type": "image/png"})
    assert (status, body, headers["x-length"]) == (200, png[::-1], "256")
    status, headers, _ = api_v2.request("OPTIONS", "/orders/1", headers={
        "origin": "https://shop.example.com", "access-control-request-method": "PATCH"})
    assert status == 204
    assert headers["access-control-allow-origin"] == "https://shop.example.com"


def test_payload_1_0_front(api_v1) -> None:
    status, _, body = api_v1.request("GET", "/orders/7?fields=a&fields=b",
                                     headers={"cookie": "k=v"})
    assert status == 200
    answer = json.loads(body)
    assert answer["fields"] == "a" and answer["cookies"] == {"k": "v"}
    assert answer["trigger"] == "api-gateway-http-1.0"
    status, headers, _ = api_v1.request("GET", "/health")
    assert headers.get_all("set-cookie") == ["session=abc; Path=/; HttpOnly", "theme=dark"]


def test_a_streamed_route_first_chunk_arrives_before_the_handler_finishes(
    api_v2, tmp_path: Path
) -> None:
    emulator = api_v2.emulator
    gate = tmp_path / "gate"
    connection = http.client.HTTPConnection("127.0.0.1", emulator.function_url_port, timeout=30)
    try:
        connection.request("GET", f"/stream?gate={gate}")
        asked = time.monotonic()
        response = connection.getresponse()
        assert response.status == 200
        assert response.headers["content-type"] == "text/plain"
        assert response.headers["set-cookie"] == "streamed=1"
        assert response.readline() == b"first\n"
        # the handler waits up to 20 s for the gate: the first chunk came before it finished
        assert time.monotonic() - asked < 10
        assert "END RequestId" not in emulator.output()
        gate.touch()
        assert response.read() == b"chunk 0\nchunk 1\nchunk 2\n"
    finally:
        connection.close()
    emulator.reports(1)


def test_a_streamed_route_through_curl(api_v2, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    url = f"http://127.0.0.1:{api_v2.emulator.function_url_port}/stream?gate={gate}&chunks=2"
    asked = time.monotonic()
    curl = subprocess.Popen(["curl", "-sN", url], stdout=subprocess.PIPE)
    try:
        assert curl.stdout.readline() == b"first\n"
        assert time.monotonic() - asked < 10  # the handler waits up to 20 s for the gate
        assert curl.poll() is None  # still streaming
        gate.touch()
        assert curl.stdout.read() == b"chunk 0\nchunk 1\n"
        assert curl.wait(timeout=30) == 0
    finally:
        if curl.poll() is None:
            curl.kill()
            curl.wait()
