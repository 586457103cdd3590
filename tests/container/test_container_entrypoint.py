"""The image started exactly as Lambda starts it: its own ENTRYPOINT and CMD, nothing overridden,
talking to a Runtime API outside the container.

lambdaflow's emulator runs on the host with `podman run IMAGE` as its runtime command and hands it
AWS_LAMBDA_RUNTIME_API, as Lambda does; the container shares the host's network namespace so the
runtime reaches the emulator on 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from container_scripts import REPO, podman_command
from function_container import (
    FUNCTION_NAME,
    PODMAN_TIMEOUT_S,
    FunctionContainer,
    free_loopback_port,
)


@pytest.fixture(scope="module")
def lambda_started_container(
    function_image: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FunctionContainer]:
    port = free_loopback_port()
    name = f"lambdaflow-test-{os.getpid()}-entrypoint"
    output = tmp_path_factory.mktemp("entrypoint") / "emulator.log"
    runtime = podman_command(
        "run", "--rm", "--name", name, "--network", "host",
        "--env", "AWS_LAMBDA_RUNTIME_API", "--env", "AWS_LAMBDA_FUNCTION_NAME",
        function_image,
    )  # fmt: skip
    with output.open("w") as sink:
        emulator = subprocess.Popen(
            [sys.executable, "-m", "lambdaflow.emulator", "--port", str(port),
             "--function-name", FUNCTION_NAME, "--", *runtime],
            cwd=REPO, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        container = FunctionContainer(port, output.read_text)
        container.wait_until_listening()
        yield container
    finally:
        emulator.terminate()
        try:
            emulator.wait(timeout=30)
        except subprocess.TimeoutExpired:
            emulator.kill()
            emulator.wait()
        subprocess.run(
            podman_command("rm", "--force", "--ignore", "--time", "0", name),
            capture_output=True,
            timeout=PODMAN_TIMEOUT_S,
            check=False,
        )


def test_image_entrypoint_runs_the_runtime_against_the_runtime_api(
    lambda_started_container: FunctionContainer,
) -> None:
    status, body, metrics, report = lambda_started_container.invoke_and_read_logs(
        {"input": "as Lambda starts it"}
    )

    assert (status, body) == (200, {"message": "as Lambda starts it"})
    assert metrics["outcome"] == "success"
    assert metrics["function_name"] == FUNCTION_NAME
    assert report.request_id == metrics["request_id"]
