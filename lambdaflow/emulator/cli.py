"""Command line of ``python -m lambdaflow.emulator``: flags first, then the RIE's variables."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Mapping, Sequence
from typing import TypeVar

from lambdaflow.emulator import config as defaults
from lambdaflow.emulator.config import EmulatorConfig, default_handler

T = TypeVar("T", int, float)

_DESCRIPTION = """\
Run a Lambda runtime locally behind an RIE-compatible invoke endpoint.

Invoke it with:
  curl -d '{"input": "hi"}' http://127.0.0.1:8080/2015-03-31/functions/function/invocations

Any runtime works: COMMAND is started with AWS_LAMBDA_RUNTIME_API pointing at the emulator's
own Runtime API on a loopback port, lazily on the first invoke unless --eager-init is given."""

_EPILOG = """\
environment (used when the matching flag is absent, as the AWS RIE reads them):
  AWS_LAMBDA_FUNCTION_TIMEOUT      seconds before an invoke times out (default 300)
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE  MB reported as Memory Size (default 3008)
  AWS_LAMBDA_FUNCTION_NAME         function name (default test_function)
  AWS_LAMBDA_FUNCTION_VERSION      version printed on START lines (default $LATEST)
  AWS_LAMBDA_FUNCTION_HANDLER, _HANDLER
                                   handler passed to the runtime (default: last argument of a
                                   multi-word COMMAND, as the RIE does)

example:
  python -m lambdaflow.emulator --port 9000 -- python -m lambdaflow examples.echo.app:app"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lambdaflow.emulator",
        usage="%(prog)s [options] -- COMMAND [ARGS...]",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address the invoke endpoint binds (default 127.0.0.1; the RIE uses 0.0.0.0)",
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="invoke endpoint port (default 8080; 0 = any free)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="invoke deadline; the runtime is killed and re-initialised after a timeout",
    )
    parser.add_argument(
        "--memory", type=int, metavar="MB", help="memory size reported to the runtime and REPORT"
    )
    parser.add_argument(
        "--function-name",
        metavar="NAME",
        help="function name; invokes accept 'function' and NAME in the URL",
    )
    parser.add_argument(
        "--eager-init",
        action="store_true",
        help="start the runtime at once instead of on the first invoke",
    )
    parser.add_argument(
        "command", nargs="+", metavar="COMMAND", help="the runtime command and its arguments"
    )
    return parser


def _positive(value: float, what: str, parser: argparse.ArgumentParser) -> None:
    if not (math.isfinite(value) and value > 0):
        parser.error(f"{what} must be positive, got {value}")


def _flag_or_env(
    flag: T | None, environ: Mapping[str, str], name: str, kind: type[T], default: T
) -> T:
    """The flag if given, else the RIE variable if set, else the default."""
    if flag is not None:
        return flag
    value = environ.get(name)
    return kind(value) if value else default


def parse_args(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> EmulatorConfig:
    """Resolve the command line and the RIE variables into one ``EmulatorConfig``."""
    parser = _parser()
    args = parser.parse_args(argv)
    command = tuple(args.command)
    try:
        timeout = _flag_or_env(
            args.timeout, environ, "AWS_LAMBDA_FUNCTION_TIMEOUT", float, defaults.DEFAULT_TIMEOUT_S
        )
        memory = _flag_or_env(
            args.memory, environ, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", int, defaults.DEFAULT_MEMORY_MB
        )
    except ValueError as error:
        parser.error(f"invalid AWS_LAMBDA_FUNCTION_TIMEOUT or _MEMORY_SIZE: {error}")
    _positive(timeout, "timeout", parser)
    _positive(memory, "memory", parser)
    explicit_name = args.function_name or environ.get("AWS_LAMBDA_FUNCTION_NAME")
    return EmulatorConfig(
        command=command,
        host=args.host,
        port=args.port,
        timeout_s=timeout,
        memory_mb=memory,
        function_name=explicit_name or defaults.DEFAULT_FUNCTION_NAME,
        function_version=environ.get("AWS_LAMBDA_FUNCTION_VERSION") or defaults.DEFAULT_VERSION,
        handler=default_handler(command, environ),
        eager_init=args.eager_init,
        invoke_names=frozenset({"function", explicit_name or "function"}),
        region=environ.get("AWS_REGION") or defaults.DEFAULT_REGION,
    )
