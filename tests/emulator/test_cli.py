"""The command line: --help explains every option, bad input is refused before starting."""

from __future__ import annotations

import http.client
import importlib.metadata
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.rie_binary import find_rie
from lambdaflow.emulator.cli import parse_args, split_arguments

from .conftest import BOOTSTRAP, INVOKE_PATH, REPO

RIE_BINARY = find_rie()  # ../shared/tools, LAMBDAFLOW_RIE, or the aws-sam-cli wheel's


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


@pytest.mark.parametrize(
    ("argv", "options", "command", "ignored"),
    [
        # the RIE's own forms, as its binary parses them: flags anywhere, the rest in order
        (
            ["--runtime-interface-emulator-address", "0.0.0.0:8080", "/boot", "a", "h.x"],
            ["--runtime-interface-emulator-address", "0.0.0.0:8080"],
            ["/boot", "a", "h.x"],
            [],
        ),
        (
            ["/boot", "--runtime-api-address=127.0.0.1:9001", "h", "--log-level", "debug"],
            ["--runtime-api-address=127.0.0.1:9001", "--log-level", "debug"],
            ["/boot", "h"],
            [],
        ),
        # an unknown flag before the command is ignored (the RIE would exec it); after, it is
        # the command's own (python -u)
        (
            ["--foo=1", "-x", "python", "-u", "app.py"],
            [],
            ["python", "-u", "app.py"],
            ["--foo=1", "-x"],
        ),
        # today's form: after --, everything is the command's, even our own flags
        (
            ["--port", "0", "--", "boot", "--port", "1"],
            ["--port", "0"],
            ["boot", "--port", "1"],
            [],
        ),
        (["--eager-init", "boot"], ["--eager-init"], ["boot"], []),
        (["-h", "boot", "--help"], ["-h"], ["boot", "--help"], []),
    ],
)
def test_arguments_are_split_as_the_rie_splits_them(argv, options, command, ignored) -> None:
    assert split_arguments(argv) == (options, command, ignored)


def test_the_ries_addresses_and_handler_are_used() -> None:
    config = parse_args(
        [
            "/boot",
            "--runtime-interface-emulator-address",
            "[::1]:9000",
            "--runtime-api-address=127.0.0.2:9001",
            "app.handler",
        ],
        environ={},
    )
    assert (config.host, config.port) == ("::1", 9000)
    assert (config.runtime_api_host, config.runtime_api_port) == ("127.0.0.2", 9001)
    assert (config.command, config.handler) == (("/boot", "app.handler"), "app.handler")
    assert parse_args(["boot"], environ={}).host == "127.0.0.1"  # not the RIE's 0.0.0.0


@pytest.mark.parametrize("value", ["9000", "host:", "host:port", "host:70000"])
def test_a_malformed_address_is_refused(value: str) -> None:
    result = run_cli("--runtime-interface-emulator-address", value, "true")
    assert result.returncode == 2
    assert "expects HOST:PORT" in result.stderr


def test_an_unknown_flag_gets_one_warning_naming_it() -> None:
    result = run_cli("--no-such-flag", "--timeout", "0", "true")  # exits once parsed
    assert result.stderr.count("ignoring unknown flag --no-such-flag") == 1
    quiet = run_cli("--no-such-flag", "--log-level", "ERROR", "--timeout", "0", "true")
    assert "unknown flag" not in quiet.stderr


def test_the_console_script_is_installed() -> None:
    try:
        importlib.metadata.distribution("lambdaflow")
    except importlib.metadata.PackageNotFoundError:  # the 3.13 container runs from the tree
        pytest.skip("lambdaflow is not installed as a package: run scripts/setup")
    script = Path(sys.executable).parent / "lambdaflow-emulator"
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: lambdaflow-emulator ")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _runtime_view(launcher: list[str], extra: list[str]) -> dict:
    """Start ``launcher`` with the RIE's command line; what the runtime saw of it."""
    port, api_port = _free_port(), _free_port()
    argv = [
        *launcher,
        "--runtime-interface-emulator-address",
        f"127.0.0.1:{port}",
        sys.executable,
        "--runtime-api-address",
        f"127.0.0.1:{api_port}",
        str(BOOTSTRAP),
        *extra,
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_LAMBDA_", "_HANDLER"))}
    process = subprocess.Popen(
        argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("POST", INVOKE_PATH, b'{"mode": "env"}')
                answer = json.loads(connection.getresponse().read())
                connection.close()
                break
            except (ConnectionRefusedError, http.client.RemoteDisconnected):
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=20)
    return {
        "argv": answer["argv"],
        "handler": answer["env"]["_HANDLER"],
        "api": answer["env"]["AWS_LAMBDA_RUNTIME_API"] == f"127.0.0.1:{api_port}",
    }


@pytest.mark.skipif(RIE_BINARY is None, reason="no RIE: see bench/rie_binary.py")
@pytest.mark.parametrize("extra", [[], ["app.handler"], ["x", "--log-level", "info", "y.h"]])
def test_the_ries_command_line_gives_the_runtime_what_the_rie_gives(extra) -> None:
    ours = _runtime_view([sys.executable, "-m", "lambdaflow.emulator"], extra)
    theirs = _runtime_view([str(RIE_BINARY)], extra)
    assert ours == theirs
    assert ours["api"]


def test_an_ipv6_runtime_api_address_reaches_the_runtime_in_brackets(start_emulator) -> None:
    """AWS_LAMBDA_RUNTIME_API is HOST:PORT; an IPv6 host needs brackets to be one."""
    emulator = start_emulator("--runtime-api-address", "[::1]:0")
    status, _, body = emulator.invoke(b'{"mode": "env"}')
    assert status == 200
    address = json.loads(body)["env"]["AWS_LAMBDA_RUNTIME_API"]
    assert re.fullmatch(r"\[::1\]:\d+", address), address
