"""The emulator's settings and the environment the runtime process is started with.

Defaults and variable names follow the AWS RIE so that a container configured for the RIE
behaves the same under this emulator; the one deliberate change is binding 127.0.0.1.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_FUNCTION_NAME = "test_function"
DEFAULT_VERSION = "$LATEST"
DEFAULT_MEMORY_MB = 3008
DEFAULT_TIMEOUT_S = 300.0
DEFAULT_IDLE_TIMEOUT_S = 60.0
DEFAULT_REGION = "us-east-1"
DURABLE_EXECUTION_TIMEOUT_S = 86400.0  # DurableConfig's ExecutionTimeout when none is set
DURABLE_RETENTION_DAYS = 14.0  # DurableConfig's RetentionPeriodInDays default (1 to 90)
ACCOUNT_ID = "012345678912"

# What the RIE sets when the variables are absent; the caller's environment overrides them.
_RIE_ENV_DEFAULTS = {
    "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/Functions",
    "AWS_LAMBDA_LOG_STREAM_NAME": "$LATEST",
    "AWS_REGION": DEFAULT_REGION,
    "AWS_DEFAULT_REGION": DEFAULT_REGION,
}


@dataclass(frozen=True, slots=True)
class EmulatorConfig:
    """Everything the emulator needs to know, resolved from flags, then env, then defaults."""

    command: tuple[str, ...]
    host: str = "127.0.0.1"
    port: int = 8080
    runtime_api_host: str = "127.0.0.1"
    runtime_api_port: int = 0  # any free port
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB
    function_name: str = DEFAULT_FUNCTION_NAME
    function_version: str = DEFAULT_VERSION
    handler: str = ""
    eager_init: bool = False
    invoke_names: frozenset[str] = frozenset({"function"})
    region: str = DEFAULT_REGION
    response_lines: bool = False
    function_url_port: int | None = None  # no Function URL unless asked for
    api_port: int | None = None  # no API Gateway HTTP API front unless asked for
    api_payload_version: str = "2.0"  # the HTTP API's payload format: 2.0, or 1.0
    max_concurrency: int = 1  # > 1: Lambda Managed Instances, N invocations at once
    snapstart: bool = False  # init at start as a version publish does; restore per invoke
    durable: bool = False  # a durable function; the invoke port serves the durable API
    durable_time_skipping: bool = False  # waits fire once the invocation that set them ends
    durable_state: str | None = None  # a file keeping executions across restarts
    durable_execution_timeout_s: float = DURABLE_EXECUTION_TIMEOUT_S
    durable_retention_days: float = DURABLE_RETENTION_DAYS
    #: (function name, URL of the emulator serving it): where chained invokes go
    durable_targets: tuple[tuple[str, str], ...] = ()
    #: A caller's connection that sends nothing this long while owed no answer is closed.
    idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S

    @property
    def function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.function_name}"


def default_handler(command: tuple[str, ...], environ: Mapping[str, str]) -> str:
    """The RIE's rule: an explicit handler variable, else the last argument of a longer command."""
    explicit = environ.get("AWS_LAMBDA_FUNCTION_HANDLER") or environ.get("_HANDLER")
    if explicit:
        return explicit
    return command[-1] if len(command) > 1 else ""


def runtime_environment(
    config: EmulatorConfig, runtime_api: str, environ: Mapping[str, str]
) -> dict[str, str]:
    """The runtime's environment: RIE defaults, then the caller's variables, then the platform's."""
    env = dict(_RIE_ENV_DEFAULTS)
    env["LAMBDA_TASK_ROOT"] = os.getcwd()
    env.update(environ)
    env.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": config.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": config.function_version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_mb),
            "AWS_LAMBDA_RUNTIME_API": runtime_api,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start" if config.snapstart else "on-demand",
            "_HANDLER": config.handler,
        }
    )
    if config.max_concurrency > 1:
        env["AWS_LAMBDA_MAX_CONCURRENCY"] = str(config.max_concurrency)
    else:
        env.pop("AWS_LAMBDA_MAX_CONCURRENCY", None)  # the emulator's own setting, not passed on
    return env
