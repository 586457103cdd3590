"""AWS SAM CLI runs the project's template and image: `sam local invoke` and
`sam local start-lambda` (botocore invoking it) and `sam local start-api` (a REST route to a
typed handler), through podman's Docker-compatible API on a
socket of the test's own. SAM builds its image on top of the function image with the RIE it
ships, offline. The image name is the short one: SAM takes `localhost/...` for a registry.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import botocore.session
import pytest
from botocore.config import Config
from conftest import BUILD_TIMEOUT_S, DEBIAN_BASE
from container_scripts import REPO, SETUP_HINT, run_script

from bench.backends import free_port

SAM = Path(sys.executable).with_name("sam")
TEMPLATE = REPO / "template.yaml"
SAM_API = REPO / "examples" / "rest_api"
#: scripts/_containers.sh's podman configuration (its ulimits fit this machine's limits).
CONTAINERS_CONF = "/etc/containers/lambdaflow.conf"
TIMEOUT_S = 300


@pytest.fixture(scope="module")
def docker_host(tmp_path_factory) -> Iterator[str]:
    """podman's Docker-compatible API on a private socket, for as long as the module runs."""
    if not SAM.exists():
        pytest.fail("sam is not installed (aws-sam-cli, the bench extra): run scripts/setup")
    if not Path(CONTAINERS_CONF).exists():
        pytest.fail(f"{CONTAINERS_CONF} is missing: {SETUP_HINT}")
    socket_path = tmp_path_factory.mktemp("podman") / "docker.sock"
    service = subprocess.Popen(
        ["podman", "system", "service", "--time=0", f"unix://{socket_path}"],
        env={**os.environ, "CONTAINERS_CONF": CONTAINERS_CONF},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not socket_path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        yield f"unix://{socket_path}"
    finally:
        os.killpg(service.pid, signal.SIGTERM)
        service.wait(30)


def sam_env(docker_host: str) -> dict[str, str]:
    return {**os.environ, "DOCKER_HOST": docker_host, "SAM_CLI_TELEMETRY": "0",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test"}


def short_name(image: str) -> str:
    return image.removeprefix("localhost/")


#: `sam local invoke` stops the container as soon as it has the answer, and its copy of the
#: container's output can be cut short then (seen on a loaded machine: the log ends at START,
#: without the RIE's own END and REPORT): such a run says nothing of the logs, so it is re-run.
LOG_ATTEMPTS = 3


def test_sam_local_invoke(function_image, docker_host, tmp_path):
    event = tmp_path / "event.json"
    event.write_text('{"input": "hi"}')
    for _ in range(LOG_ATTEMPTS):
        result = subprocess.run(
            [str(SAM), "local", "invoke", "-t", str(TEMPLATE), "EchoFunction", "--event",
             str(event), "--parameter-overrides", f"ImageUri={short_name(function_image)}"],
            env=sam_env(docker_host), capture_output=True, text=True, timeout=TIMEOUT_S,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1]) == {"message": "hi"}
        if "REPORT RequestId: " in result.stderr:
            break
    [metrics] = [json.loads(line) for line in result.stderr.splitlines()
                 if line.startswith("{") and '"invocation.metrics"' in line]
    assert metrics["outcome"] == "success" and metrics["function_name"] == "EchoFunction"
    assert "REPORT RequestId: " + metrics["request_id"] in result.stderr


def test_sam_local_start_lambda_serves_botocore(function_image, docker_host, tmp_path):
    port = free_port()
    log = (tmp_path / "sam.log").open("w")
    sam = subprocess.Popen(
        [str(SAM), "local", "start-lambda", "-t", str(TEMPLATE), "--host", "127.0.0.1",
         "--port", str(port), "--parameter-overrides", f"ImageUri={short_name(function_image)}"],
        env=sam_env(docker_host), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        client = botocore.session.get_session().create_client(
            "lambda", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 0}, read_timeout=TIMEOUT_S),
        )
        deadline = time.monotonic() + 120
        while True:  # SAM answers once it has read the template
            try:
                answer = client.invoke(FunctionName="EchoFunction", Payload=b'{"input": "a"}')
                break
            except Exception:
                if time.monotonic() > deadline or sam.poll() is not None:
                    raise
                time.sleep(1)
        assert json.loads(answer["Payload"].read()) == {"message": "a"}
        again = client.invoke(FunctionName="EchoFunction", Payload=b'{"input": ""}')
        assert again["FunctionError"] == "Unhandled"
        assert json.loads(again["Payload"].read())["errorType"] == "ValueError"
    finally:
        os.killpg(sam.pid, signal.SIGINT)
        try:
            sam.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(sam.pid, signal.SIGKILL)
            sam.wait()
        log.close()


API_IMAGE = "localhost/lambdaflow-sam-api-test:latest"


@pytest.fixture(scope="module")
def api_image(function_image: str, script_env: dict[str, str]) -> str:
    """examples/rest_api's function in the same image recipe (its layers are cached)."""
    run_script("build", "--base", DEBIAN_BASE, "--function", "examples/rest_api",
               env={**script_env, "LAMBDAFLOW_IMAGE": API_IMAGE}, timeout_s=BUILD_TIMEOUT_S)
    return API_IMAGE


def test_sam_local_start_api_events_reach_a_typed_handler(api_image, docker_host, tmp_path):
    """SAM's REST events reach a handler typed APIGatewayProxyEvent and its answer the caller."""
    port = free_port()
    log_path = tmp_path / "sam.log"
    url = f"http://127.0.0.1:{port}/hello?name=ada"
    with log_path.open("w") as log:
        sam = subprocess.Popen(
            [str(SAM), "local", "start-api", "-t", str(SAM_API / "template.yaml"),
             "--host", "127.0.0.1", "--port", str(port),
             "--parameter-overrides", f"ImageUri={short_name(api_image)}"],
            env=sam_env(docker_host), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            status, body = _get_when_up(url, sam, log_path)
            # SAM copies the container's output after the answer, and may cut it short when
            # it stops the container (test_sam_local_invoke): wait for the line, ask again
            for _ in range(LOG_ATTEMPTS - 1):
                if _appears(log_path, "invocation.metrics", within_s=10):
                    break
                status, body = _get_when_up(url, sam, log_path)
        finally:
            os.killpg(sam.pid, signal.SIGINT)
            try:
                sam.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(sam.pid, signal.SIGKILL)
                sam.wait()
    assert status == 200, log_path.read_text()
    # SAM CLI 1.170 names the stage "Prod"; earlier ones sent null (tests/events covers it)
    assert body == {"path": "/hello", "method": "GET", "stage": body["stage"], "name": "ada"}
    assert body["stage"] in ("Prod", None)
    assert "invocation.metrics" in log_path.read_text()


def _get_when_up(url: str, sam: subprocess.Popen, log_path: Path) -> tuple[int, object]:
    """GET `url` once SAM serves it (it builds its image first): status and JSON body."""
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
                return response.status, json.loads(response.read())
        except (OSError, urllib.error.URLError):
            if time.monotonic() > deadline or sam.poll() is not None:
                raise AssertionError(log_path.read_text()) from None
            time.sleep(1)


def _appears(log_path: Path, text: str, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while text not in log_path.read_text():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True
