"""scripts/run --rie mounts the user's RIE binary into the container and makes it the entrypoint,
with ./bootstrap as its command, as AWS documents for custom runtimes.

No RIE binary can be downloaded here, so a stand-in plays its part: an executable that, like the
RIE, listens on port 8080 and runs the command it is given (through lambdaflow's emulator).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from container_scripts import SCRIPTS
from function_container import FunctionContainer, running_container

RIE_STAND_IN = """#!/bin/sh
# Stand-in for aws-lambda-rie: serve the invoke API on :8080, run the given runtime command.
exec python -m lambdaflow.emulator --host 0.0.0.0 --port 8080 -- "$@"
"""


@pytest.fixture(scope="module")
def rie_container(
    function_image: str, script_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FunctionContainer]:
    stand_in = tmp_path_factory.mktemp("rie") / "aws-lambda-rie"
    stand_in.write_text(RIE_STAND_IN)
    stand_in.chmod(0o755)
    with running_container(script_env, "rie", "--rie", str(stand_in)) as container:
        yield container


def test_rie_entrypoint_runs_the_bootstrap(rie_container: FunctionContainer) -> None:
    status, body, metrics, report = rie_container.invoke_and_read_logs({"input": "via rie"})

    assert (status, body) == (200, {"message": "via rie"})
    assert metrics["outcome"] == "success"
    assert report.request_id == metrics["request_id"]


def test_missing_rie_binary_is_refused_before_podman_runs(
    script_env: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-rie"

    result = subprocess.run(
        [str(SCRIPTS / "run"), "--rie", str(missing)],
        env=script_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert f"--rie {missing}: not an executable file" in result.stderr
    assert "podman run" not in result.stderr
