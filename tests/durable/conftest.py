"""A durable emulator serving AWS's conformance handlers, shared by the conformance tests."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.durable.conformance_app import handler_table
from tests.durable.conformance_run import Requirement, run
from tests.emulator.conftest import REPO, launch

#: The ``handlers`` folder of a checkout of aws/aws-durable-execution-sdk-python's
#: packages/aws-durable-execution-sdk-python-conformance-tests (AWS's code, not vendored).
HANDLERS_VARIABLE = "LAMBDAFLOW_CONFORMANCE_HANDLERS"
#: "0" runs waits in real time (hour-long waits are then skipped).
TIME_SKIPPING = os.environ.get("LAMBDAFLOW_CONFORMANCE_TIME_SKIPPING", "1") != "0"
#: Requirements run at once (the function's invocations still run one at a time).
PARALLEL = 16


def lambda_client(port: int) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "lambda",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}, read_timeout=120, max_pool_connections=PARALLEL),
    )


@pytest.fixture(scope="session")
def conformance(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[Requirement, list[Requirement]], list[str]]]:
    """run(requirement, batch) -> its failures; ``batch`` (its runnable suite) runs all at once
    when the first of them is asked for."""
    handlers = os.environ.get(HANDLERS_VARIABLE, "")
    if not Path(handlers, "step").is_dir():
        pytest.skip(
            f"{HANDLERS_VARIABLE} names no conformance handlers folder (see docs/durable.md)"
        )
    options = ["--durable", "--timeout", "60", "--durable-execution-timeout", "7200"]
    if TIME_SKIPPING:
        options.append("--durable-time-skipping")
    folder = tmp_path_factory.mktemp("conformance")
    runtime = [sys.executable, "-m", "lambdaflow", "tests.durable.conformance_app:app"]
    env = {HANDLERS_VARIABLE: handlers, "PYTHONPATH": str(REPO)}
    emulators = []
    targets = []
    for name, (_handler, settings) in handler_table().items():
        if name.startswith("Target"):  # a chained invoke's target, in an emulator of its own
            target = launch(
                folder / f"{name}.out",
                *(options if settings["durable"] else ["--timeout", "60"]),
                "--function-name",
                name,
                runtime=runtime,
                env={**env, "LAMBDAFLOW_CONFORMANCE_FUNCTION": name},
            )
            emulators.append(target)
            targets += ["--durable-target", f"{name}=http://127.0.0.1:{target.port}"]
    emulator = launch(folder / "emulator.out", *options, *targets, runtime=runtime, env=env)
    emulators.append(emulator)
    client = lambda_client(emulator.port)
    results: dict[str, list[str]] = {}
    timings: dict[str, float] = {}

    def outcome(requirement: Requirement, batch: list[Requirement]) -> list[str]:
        if requirement.id not in results:
            started = time.monotonic()
            with ThreadPoolExecutor(PARALLEL) as pool:
                failures = pool.map(lambda r: _guarded(client, r, emulator.output), batch)
                results.update(zip((r.id for r in batch), failures, strict=True))
            timings[requirement.suite] = time.monotonic() - started
        return results[requirement.id]

    try:
        yield outcome
    finally:
        for each in emulators:
            each.stop()
        for suite, seconds in timings.items():
            print(f"\nconformance suite {suite}: {seconds:.1f} s", file=sys.stderr)


def _guarded(client: Any, requirement: Requirement, output: Callable[[], str]) -> list[str]:
    try:
        return run(client, requirement, output)
    except Exception as error:  # one requirement's trouble is its own failure
        return [f"{type(error).__name__}: {error}"]


@pytest.fixture
def durable_emulator(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Factory: durable_emulator("module:app", *options, env={...}) -> RunningEmulator
    (``durable=False``: a plain emulator, say for a chained invoke's target)."""
    started: list[Any] = []

    def start(
        app: str, *options: str, env: dict[str, str] | None = None, durable: bool = True
    ) -> Any:
        emulator = launch(
            tmp_path / f"emulator-{len(started)}.out",
            *(("--durable",) if durable else ()),
            *options,
            runtime=[sys.executable, "-m", "lambdaflow", app],
            env={"PYTHONPATH": str(REPO), **(env or {})},
        )
        started.append(emulator)
        return emulator

    try:
        yield start
    finally:
        for emulator in started:
            emulator.stop()
