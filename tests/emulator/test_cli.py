"""The command line: --help explains every option, bad input is refused before starting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from .conftest import REPO


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lambdaflow.emulator", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_explains_each_option() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for option in ("--host", "--port", "--timeout", "--memory", "--function-name", "--eager-init"):
        assert option in result.stdout
    assert "AWS_LAMBDA_FUNCTION_TIMEOUT" in result.stdout
    assert "[--] COMMAND" in result.stdout
    assert "--runtime-interface-emulator-address" in result.stdout


def test_a_command_is_required() -> None:
    result = run_cli("--port", "0")
    assert result.returncode == 2
    assert "COMMAND" in result.stderr


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_non_positive_or_infinite_timeout_is_refused(value: str) -> None:
    result = run_cli("--timeout", value, "--", "true")
    assert result.returncode == 2
    assert "timeout must be positive" in result.stderr


def test_malformed_rie_variables_are_refused() -> None:
    result = run_cli("--", "true", env={"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "lots"})
    assert result.returncode == 2
    assert "invalid AWS_LAMBDA_FUNCTION_TIMEOUT or _MEMORY_SIZE" in result.stderr


def test_a_busy_port_is_a_clear_error_not_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--port", str(port), "--", "true")
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
