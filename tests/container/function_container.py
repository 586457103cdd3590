"""A function served by an emulator, seen from the host: invoke it over HTTP and read its logs.
Containers are started with scripts/run, read with scripts/logs and removed with scripts/stop.

REPORT lines are parsed with the benchmark's parser, so both agree on one definition of the
RIE's format.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from container_scripts import run_script

from bench.logparse import ParsedReport, parse_report
from lambdaflow.observability.metrics_record import METRICS_MESSAGE

INVOKE_PATH = "/2015-03-31/functions/function/invocations"
LISTENING = "lambdaflow.emulator listening on"
# Set through scripts/run's podman options; the runtime reports it in every metrics line.
FUNCTION_NAME = "echo-in-container"
PODMAN_TIMEOUT_S = 120
# Generous: two shared noisy cores, and the first invoke also starts the runtime.
WAIT_S = 90.0
POLL_S = 0.25


class FunctionContainer:
    """An invoke endpoint on a loopback port, and a way to read the emulator's output."""

    def __init__(self, port: int, read_logs: Callable[[], str]) -> None:
        self.url = f"http://127.0.0.1:{port}{INVOKE_PATH}"
        self.logs = read_logs

    def wait_until_listening(self) -> None:
        """Block until the emulator inside says it accepts invokes."""
        deadline = time.monotonic() + WAIT_S
        while LISTENING not in (logs := self.logs()):
            if time.monotonic() > deadline:
                pytest.fail(f"emulator never listened within {WAIT_S:.0f} s; logs:\n{logs}")
            time.sleep(POLL_S)

    def invoke(self, event: dict[str, Any]) -> tuple[int, Any]:
        """POST the event to the invoke URL from the host; (HTTP status, decoded JSON body)."""
        request = urllib.request.Request(self.url, data=json.dumps(event).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=WAIT_S) as response:
            return response.status, json.loads(response.read())

    def invoke_and_read_logs(
        self, event: dict[str, Any]
    ) -> tuple[int, Any, dict[str, Any], ParsedReport]:
        """Invoke once, then wait for that invocation's metrics record and REPORT line."""
        seen = {record["request_id"] for record in metrics_records(self.logs())}
        status, body = self.invoke(event)
        deadline = time.monotonic() + WAIT_S
        while True:
            logs = self.logs()
            new = [record for record in metrics_records(logs) if record["request_id"] not in seen]
            reports = {
                report.request_id: report
                for report in map(parse_report, logs.splitlines())
                if report is not None
            }
            if len(new) == 1 and new[0]["request_id"] in reports:
                return status, body, new[0], reports[new[0]["request_id"]]
            if len(new) > 1 or time.monotonic() > deadline:
                pytest.fail(f"expected one new metrics line and its REPORT; logs:\n{logs}")
            time.sleep(POLL_S)


@contextmanager
def running_container(
    script_env: dict[str, str], name: str, *run_args: str
) -> Iterator[FunctionContainer]:
    """A container started by scripts/run on a free loopback port, always removed afterwards."""
    env = {
        **script_env,
        "LAMBDAFLOW_CONTAINER": f"{script_env['LAMBDAFLOW_CONTAINER']}-{name}",
        "LAMBDAFLOW_PORT": str(free_loopback_port()),
    }
    podman_options = ("--", "--env", f"AWS_LAMBDA_FUNCTION_NAME={FUNCTION_NAME}")
    try:
        run_script("run", *run_args, *podman_options, env=env, timeout_s=PODMAN_TIMEOUT_S)
        container = FunctionContainer(
            int(env["LAMBDAFLOW_PORT"]),
            lambda: run_script("logs", env=env, timeout_s=PODMAN_TIMEOUT_S),
        )
        container.wait_until_listening()
        yield container
    finally:
        run_script("stop", env=env, timeout_s=PODMAN_TIMEOUT_S)


def metrics_records(logs: str) -> list[dict[str, Any]]:
    """The runtime's invocation.metrics JSON lines, decoded, in order (other lines skipped)."""
    records = []
    for line in logs.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("message") == METRICS_MESSAGE:
            records.append(record)
    return records


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
