"""Every environment variable lambdaflow reads, and what it means: the one place with their names.

A leaf: the runtime, the log sink, the Context and the metrics record all read their settings
here. Values are read when asked, not at import: a SnapStart restore resumes a process whose
environment may differ from that of the init that imported this module, and tests set variables
after import. `Settings(environ)` reads another mapping (a test's, a worker's).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

RUNTIME_API = "AWS_LAMBDA_RUNTIME_API"
FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME"
FUNCTION_VERSION = "AWS_LAMBDA_FUNCTION_VERSION"
FUNCTION_MEMORY_SIZE = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"
LOG_GROUP_NAME = "AWS_LAMBDA_LOG_GROUP_NAME"
LOG_STREAM_NAME = "AWS_LAMBDA_LOG_STREAM_NAME"
LOG_LEVEL = "AWS_LAMBDA_LOG_LEVEL"
LOG_FORMAT = "AWS_LAMBDA_LOG_FORMAT"
INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE"
MAX_CONCURRENCY = "AWS_LAMBDA_MAX_CONCURRENCY"
TASK_ROOT = "LAMBDA_TASK_ROOT"
#: lambdaflow's own: the metrics record's EMF form (`observability.emf`).
METRICS_SWITCH = "LAMBDAFLOW_METRICS"
METRICS_NAMESPACE = "LAMBDAFLOW_METRICS_NAMESPACE"
METRICS_SERVICE = "LAMBDAFLOW_METRICS_SERVICE"
#: Set in a spawned sync worker's environment (`runtime.workers`): its supervisor has
#: registered the shutdown extension, so the worker does not.
WORKER = "LAMBDAFLOW_WORKER"

#: AWS_LAMBDA_INITIALIZATION_TYPE when Lambda is about to snapshot the environment.
SNAP_START = "snap-start"
#: AWS_LAMBDA_LOG_LEVEL values -> loguru level names (Lambda's names and Python's).
LOG_LEVELS = {
    "TRACE": "TRACE",
    "DEBUG": "DEBUG",
    "INFO": "INFO",
    "WARN": "WARNING",
    "WARNING": "WARNING",
    "ERROR": "ERROR",
    "FATAL": "CRITICAL",
    "CRITICAL": "CRITICAL",
}


class Settings:
    """Lambda's and lambdaflow's variables, read from `environ` when asked."""

    __slots__ = ("environ",)

    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        self.environ = environ

    def _get(self, name: str, default: str = "") -> str:
        return self.environ.get(name, default)

    @property
    def runtime_api(self) -> str:
        """host:port of the Runtime API ("" outside Lambda and the emulator)."""
        return self._get(RUNTIME_API)

    @property
    def function_name(self) -> str:
        return self._get(FUNCTION_NAME)

    @property
    def function_version(self) -> str:
        return self._get(FUNCTION_VERSION, "$LATEST")

    @property
    def memory_limit_in_mb(self) -> str | None:
        """AWS_LAMBDA_FUNCTION_MEMORY_SIZE as set: a str, as awslambdaric's context has it."""
        return self.environ.get(FUNCTION_MEMORY_SIZE)

    @property
    def log_group_name(self) -> str:
        return self._get(LOG_GROUP_NAME)

    @property
    def log_stream_name(self) -> str:
        return self._get(LOG_STREAM_NAME)

    @property
    def log_threshold(self) -> str:
        """loguru's name for AWS_LAMBDA_LOG_LEVEL (INFO when unset or unknown)."""
        return LOG_LEVELS.get(self._get(LOG_LEVEL, "INFO").upper(), "INFO")

    @property
    def text_logs(self) -> bool:
        """AWS_LAMBDA_LOG_FORMAT=TEXT; JSON (the default here) otherwise."""
        return self._get(LOG_FORMAT, "JSON").upper() == "TEXT"

    @property
    def snap_start(self) -> bool:
        return self._get(INITIALIZATION_TYPE) == SNAP_START

    @property
    def max_concurrency(self) -> str:
        """AWS_LAMBDA_MAX_CONCURRENCY as set ("" when unset): `runtime.concurrency` judges it."""
        return self._get(MAX_CONCURRENCY).strip()

    @property
    def is_worker(self) -> bool:
        return self._get(WORKER) == "1"

    @property
    def task_root(self) -> str:
        """Where the function's code is: LAMBDA_TASK_ROOT, or the current directory."""
        return self._get(TASK_ROOT) or os.getcwd()

    @property
    def metrics_switch(self) -> str:
        return self._get(METRICS_SWITCH).lower()

    @property
    def metrics_namespace(self) -> str:
        return self._get(METRICS_NAMESPACE)

    @property
    def metrics_service(self) -> str:
        """The EMF service dimension: LAMBDAFLOW_METRICS_SERVICE, else the function's name."""
        return self._get(METRICS_SERVICE) or self.function_name


#: The process's own environment.
settings = Settings()
