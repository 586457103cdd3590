"""Command line of ``lambdaflow-emulator`` (or ``python -m lambdaflow.emulator``).

It accepts the AWS RIE's own invocation, so the binary can be swapped in an image's entrypoint:
``--runtime-interface-emulator-address HOST:PORT``, ``--runtime-api-address HOST:PORT`` and
``--log-level`` anywhere among the arguments, the first other argument is the runtime's
command, the last of several its handler. Today's options work the same way, and ``--`` ends
option parsing for a command that has flags of its own.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TypeVar

from lambdaflow.emulator import config as defaults
from lambdaflow.emulator.config import EmulatorConfig, default_handler

T = TypeVar("T", int, float)

PROG = "lambdaflow-emulator"
LOG_LEVELS = ("trace", "debug", "info", "warn", "warning", "error", "fatal", "panic")

_DESCRIPTION = """\
Run a Lambda runtime locally behind an RIE-compatible invoke endpoint.

Invoke it with:
  curl -d '{"input": "hi"}' http://127.0.0.1:8080/2015-03-31/functions/function/invocations

Any runtime works: COMMAND is started with AWS_LAMBDA_RUNTIME_API pointing at the emulator's
own Runtime API on a loopback port, lazily on the first invoke unless --eager-init is given.
Options may come anywhere among the arguments, as the AWS RIE takes them; after COMMAND has
begun, flags this emulator does not know belong to COMMAND; '--' passes everything after it
to COMMAND unchanged. Unknown flags before COMMAND are ignored with a warning."""

_EPILOG = """\
environment (used when the matching flag is absent, as the AWS RIE reads them):
  AWS_LAMBDA_FUNCTION_TIMEOUT      seconds before an invoke times out (default 300)
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE  MB reported as Memory Size (default 3008)
  AWS_LAMBDA_FUNCTION_NAME         function name (default test_function)
  AWS_LAMBDA_FUNCTION_VERSION      version printed on START lines (default $LATEST)
  AWS_LAMBDA_FUNCTION_HANDLER, _HANDLER
                                   handler passed to the runtime (default: last argument of a
                                   multi-word COMMAND, as the RIE does)

examples:
  lambdaflow-emulator --port 9000 -- python -m lambdaflow examples.echo.app:app
  lambdaflow-emulator --runtime-interface-emulator-address 127.0.0.1:9000 /var/runtime/bootstrap
    app.handler   (the RIE's own command line)"""

#: Flags that take a value (``--flag VALUE`` or ``--flag=VALUE``) and switches, for the scan
#: that finds options anywhere among the arguments; argparse then checks them.
_VALUED = frozenset(
    {
        "--host",
        "--port",
        "--timeout",
        "--memory",
        "--function-name",
        "--function-url-port",
        "--api-port",
        "--api-payload-version",
        "--max-concurrency",
        "--idle-timeout",
        "--runtime-interface-emulator-address",
        "--runtime-api-address",
        "--log-level",
        "--durable-state",
        "--durable-execution-timeout",
        "--durable-target",
        "--durable-retention-days",
    }
)
_HELP = frozenset({"--help", "-h"})
#: A bound on --max-concurrency: each conversation costs a little, a typo must not cost GBs.
MAX_CONCURRENCY = 1024
_SWITCHES = frozenset(
    {
        "--eager-init",
        "--response-lines",
        "--snapstart",
        "--durable",
        "--durable-time-skipping",
        *_HELP,
    }
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        usage="%(prog)s [options] [--] COMMAND [ARGS...]",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--host", help="address the invoke endpoint binds (default 127.0.0.1; the RIE: 0.0.0.0)")
    add("--port", type=int, help="invoke endpoint port (default 8080; 0 = any free)")
    add(
        "--runtime-interface-emulator-address",
        metavar="HOST:PORT",
        help="the RIE's flag for --host and --port together",
    )
    add(
        "--runtime-api-address",
        metavar="HOST:PORT",
        help="where the runtime's Runtime API listens (default 127.0.0.1 on a free port)",
    )
    add(
        "--log-level",
        type=str.lower,
        choices=LOG_LEVELS,
        metavar="LEVEL",
        help="the RIE's flag; 'error' and above silence the emulator's own warnings",
    )
    add(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="invoke deadline; the runtime is killed and re-initialised after a timeout",
    )
    add("--memory", type=int, metavar="MB", help="memory size reported to the runtime and REPORT")
    add(
        "--function-name",
        metavar="NAME",
        help="function name; invokes accept 'function' and NAME in the URL",
    )
    add(
        "--function-url-port",
        type=int,
        metavar="PORT",
        help="also serve a Function URL on PORT (same address as the invoke endpoint; 0 = any)",
    )
    add(
        "--api-port",
        type=int,
        metavar="PORT",
        help="also serve an API Gateway HTTP API front on PORT: every path and method invokes "
        "through its $default route (same address as the invoke endpoint; 0 = any)",
    )
    add(
        "--api-payload-version",
        choices=("2.0", "1.0"),
        default="2.0",
        help="the HTTP API front's payload format version (default 2.0)",
    )
    add(
        "--max-concurrency",
        type=int,
        metavar="N",
        help="Lambda Managed Instances: up to N invocations at once, one per /next connection "
        "(default 1)",
    )
    add(
        "--idle-timeout",
        type=float,
        metavar="SECONDS",
        help="close a caller's connection that sends nothing this long while it waits for no "
        f"answer (default {defaults.DEFAULT_IDLE_TIMEOUT_S:g})",
    )
    add(
        "--snapstart",
        action="store_true",
        help="SnapStart: init at start as a version publish does, restore on each new runtime's "
        "first invoke (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start)",
    )
    add(
        "--durable",
        action="store_true",
        help="a durable function: invokes start durable executions, and the invoke port serves "
        "the durable-execution API (the runtime gets AWS_ENDPOINT_URL_LAMBDA pointing at it)",
    )
    add(
        "--durable-time-skipping",
        action="store_true",
        help="with --durable: waits and retry backoffs end as soon as the invocation that set "
        "them has ended",
    )
    add("--durable-state", metavar="FILE", help="with --durable: keep executions in FILE")
    add(
        "--durable-execution-timeout",
        type=float,
        metavar="SECONDS",
        help="with --durable: an execution's timeout (default 86400)",
    )
    add(
        "--durable-retention-days",
        type=float,
        metavar="DAYS",
        help="with --durable: how long an ended execution is kept (default 14, at most 90)",
    )
    add(
        "--durable-target",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="with --durable: chained invokes of function NAME go to the emulator at URL "
        "(repeatable; this function itself needs none)",
    )
    add(
        "--eager-init",
        action="store_true",
        help="start the runtime at once instead of on the first invoke",
    )
    add(
        "--response-lines",
        action="store_true",
        help="after each REPORT, print when the response arrived (RESPONSE ... Response "
        "Duration), for benchmarks; not a Lambda line",
    )
    return parser


def split_arguments(argv: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """(options, command, ignored flags): the RIE's rule, options anywhere, the rest in order."""
    options: list[str] = []
    command: list[str] = []
    ignored: list[str] = []
    index = 0
    while index < len(argv):
        argument = argv[index]
        if argument == "--":
            command.extend(argv[index + 1 :])
            break
        name = argument.partition("=")[0]
        if name in _VALUED:
            if "=" in argument or index + 1 == len(argv):
                options.append(argument)
            else:
                options.extend((argument, argv[index + 1]))
                index += 1
        elif argument in _SWITCHES and not (command and argument in _HELP):
            options.append(argument)  # a --help after COMMAND has begun is COMMAND's
        elif argument.startswith("-") and len(argument) > 1 and not command:
            ignored.append(argument)
        else:
            command.append(argument)
        index += 1
    return options, command, ignored


def _address(value: str, flag: str, parser: argparse.ArgumentParser) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not port.isdigit() or int(port) > 65535:
        parser.error(f"{flag} expects HOST:PORT, got {value!r}")
    return host or "0.0.0.0", int(port)  # an empty host means every address, as in Go


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
    options, command_list, ignored = split_arguments(argv)
    args = parser.parse_args(options)
    if not command_list:
        parser.error("the following arguments are required: COMMAND")
    if ignored and args.log_level not in ("error", "fatal", "panic"):
        for flag in ignored:
            print(f"{PROG}: warning: ignoring unknown flag {flag}", file=sys.stderr)
    command = tuple(command_list)
    host, port = "127.0.0.1", 8080
    if args.runtime_interface_emulator_address is not None:
        flag = "--runtime-interface-emulator-address"
        host, port = _address(args.runtime_interface_emulator_address, flag, parser)
    host = args.host if args.host is not None else host
    port = args.port if args.port is not None else port
    runtime_api_host, runtime_api_port = "127.0.0.1", 0
    if args.runtime_api_address is not None:
        flag = "--runtime-api-address"
        runtime_api_host, runtime_api_port = _address(args.runtime_api_address, flag, parser)
    try:
        timeout = _flag_or_env(
            args.timeout, environ, "AWS_LAMBDA_FUNCTION_TIMEOUT", float, defaults.DEFAULT_TIMEOUT_S
        )
        memory = _flag_or_env(
            args.memory, environ, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", int, defaults.DEFAULT_MEMORY_MB
        )
    except ValueError as error:
        parser.error(f"invalid AWS_LAMBDA_FUNCTION_TIMEOUT or _MEMORY_SIZE: {error}")
    try:
        concurrency = _flag_or_env(
            args.max_concurrency, environ, "AWS_LAMBDA_MAX_CONCURRENCY", int, 1
        )
    except ValueError as error:
        parser.error(f"invalid AWS_LAMBDA_MAX_CONCURRENCY: {error}")
    _positive(concurrency, "max concurrency", parser)
    if args.snapstart and concurrency > 1:
        parser.error("--snapstart and --max-concurrency cannot be combined (nor on Lambda)")
    if concurrency > MAX_CONCURRENCY:
        parser.error(f"max concurrency is at most {MAX_CONCURRENCY}, got {concurrency}")
    _positive(timeout, "timeout", parser)
    if args.function_url_port is not None and not 0 <= args.function_url_port <= 65535:
        parser.error("--function-url-port must be a port number (0 to 65535)")
    if args.api_port is not None and not 0 <= args.api_port <= 65535:
        parser.error("--api-port must be a port number (0 to 65535)")
    _positive(memory, "memory", parser)
    durable_timeout = args.durable_execution_timeout
    if durable_timeout is None:
        durable_timeout = defaults.DURABLE_EXECUTION_TIMEOUT_S
    _positive(durable_timeout, "durable execution timeout", parser)
    retention = args.durable_retention_days
    if retention is None:
        retention = defaults.DURABLE_RETENTION_DAYS
    if not (math.isfinite(retention) and 0 < retention <= 90):
        parser.error(f"--durable-retention-days must be above 0 and at most 90, got {retention}")
    targets = []
    for target in args.durable_target:
        name, equals, url = target.partition("=")
        if not (name and equals and url.startswith("http://")):
            parser.error(f"--durable-target expects NAME=http://HOST:PORT, got {target!r}")
        targets.append((name, url))
    durable_options = (
        args.durable_time_skipping
        or args.durable_state
        or targets
        or args.durable_execution_timeout is not None
        or args.durable_retention_days is not None
    )
    if durable_options and not args.durable:
        parser.error("the --durable-* options need --durable")
    idle_timeout = args.idle_timeout
    if idle_timeout is None:
        idle_timeout = defaults.DEFAULT_IDLE_TIMEOUT_S
    _positive(idle_timeout, "idle timeout", parser)
    explicit_name = args.function_name or environ.get("AWS_LAMBDA_FUNCTION_NAME")
    return EmulatorConfig(
        command=command,
        host=host,
        port=port,
        runtime_api_host=runtime_api_host,
        runtime_api_port=runtime_api_port,
        timeout_s=timeout,
        memory_mb=memory,
        function_name=explicit_name or defaults.DEFAULT_FUNCTION_NAME,
        function_version=environ.get("AWS_LAMBDA_FUNCTION_VERSION") or defaults.DEFAULT_VERSION,
        handler=default_handler(command, environ),
        eager_init=args.eager_init,
        invoke_names=frozenset({"function", explicit_name or "function"}),
        region=environ.get("AWS_REGION") or defaults.DEFAULT_REGION,
        response_lines=args.response_lines,
        function_url_port=args.function_url_port,
        api_port=args.api_port,
        api_payload_version=args.api_payload_version,
        max_concurrency=concurrency,
        snapstart=args.snapstart,
        durable=args.durable,
        durable_time_skipping=args.durable_time_skipping,
        durable_state=args.durable_state,
        durable_execution_timeout_s=durable_timeout,
        durable_targets=tuple(targets),
        durable_retention_days=retention,
        idle_timeout_s=idle_timeout,
    )


def main() -> int:
    """The ``lambdaflow-emulator`` console script."""
    from lambdaflow.emulator.server import run  # after parsing: --help needs no asyncio

    return run(parse_args(sys.argv[1:]))
