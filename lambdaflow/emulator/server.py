"""Wire the pieces together and run until SIGINT or SIGTERM.

The Runtime API listens on its own ephemeral loopback port (the runtime is always local), the
invoke endpoint on the configured address. The ``listening`` line goes to stderr only once
invokes are accepted, so scripts and tests can wait for it instead of sleeping.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from lambdaflow.emulator.config import EmulatorConfig
from lambdaflow.emulator.http import http11
from lambdaflow.emulator.output.console import Console
from lambdaflow.emulator.routes import rie_responses
from lambdaflow.emulator.routes.function_url import FunctionUrlRoutes
from lambdaflow.emulator.routes.invoke_routes import InvokeRoutes
from lambdaflow.emulator.routes.runtime_routes import RuntimeRoutes
from lambdaflow.emulator.sandbox.sandbox import Sandbox
from lambdaflow.emulator.sandbox.scheduling import LoopClock
from lambdaflow.limits import MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES

LISTENING_PREFIX = "lambdaflow.emulator listening on "
FUNCTION_URL_PREFIX = "lambdaflow.emulator Function URL on "
API_PREFIX = "lambdaflow.emulator API Gateway HTTP API on "


async def serve(config: EmulatorConfig) -> None:
    """Serve invokes until a shutdown signal, then stop the runtime the way Lambda would."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    environ = dict(os.environ)
    clock = LoopClock(loop)
    sandbox = Sandbox(config, Console(sys.stdout.buffer), environ, clock)
    # A caller's request (invoke or Function URL) is refused past Lambda's limit as it arrives
    # (a 20 MB body never reaches the runtime); a connection idle too long is closed, so slow
    # or forgotten ones cannot pile up to the descriptor limit.
    caller_limits = {
        "max_body": MAX_REQUEST_BYTES,
        "too_large": rie_responses.request_too_large(),
        "idle_timeout": config.idle_timeout_s,
        "answers_after_eof": True,  # a caller that half-closes still gets its answer
    }
    runtime_routes = RuntimeRoutes(sandbox)
    try:
        runtime_server = await http11.start_server(
            runtime_routes,
            config.runtime_api_host,
            config.runtime_api_port,
            # what the runtime posts past Lambda's limit is counted, not held (CappedBody)
            max_body=MAX_RESPONSE_BYTES,
            open_stream=runtime_routes.open_stream,
            stream_over=MAX_RESPONSE_BYTES,
        )
    except OSError as error:
        where = f"{config.runtime_api_host}:{config.runtime_api_port}"
        raise SystemExit(f"lambdaflow.emulator: cannot listen on {where}: {error}") from None
    runtime_host = config.runtime_api_host
    runtime_host = f"[{runtime_host}]" if ":" in runtime_host else runtime_host
    sandbox.runtime_api = f"{runtime_host}:{http11.bound_port(runtime_server)}"
    durable = None
    if config.durable:
        from lambdaflow.emulator.durable.api import DurableApi

        durable = DurableApi(config, clock, sandbox.submit)
    invoke_routes = InvokeRoutes(
        sandbox,
        config.invoke_names,
        config.function_arn,
        config.function_version,
        None if durable is None else durable.start,
    )
    try:
        invoke_server = await http11.start_server(
            invoke_routes if durable is None else durable.wrap(invoke_routes),
            config.host,
            config.port,
            **caller_limits,
        )
    except OSError as error:
        runtime_server.close()
        where = f"{config.host}:{config.port}"
        raise SystemExit(f"lambdaflow.emulator: cannot listen on {where}: {error}") from None
    host = f"[{config.host}]" if ":" in config.host else config.host
    if durable is not None:  # the SDK inside the function calls back on the invoke port
        endpoint = f"http://{host}:{http11.bound_port(invoke_server)}"
        environ.update(durable.environment(endpoint, environ))
        durable.scheduler.resume_all()
    servers = [invoke_server]
    if config.function_url_port is not None:
        try:
            url_server = await http11.start_server(
                FunctionUrlRoutes(sandbox, config),
                config.host,
                config.function_url_port,
                **caller_limits,
            )
        except OSError as error:
            runtime_server.close()
            invoke_server.close()
            where = f"{config.host}:{config.function_url_port}"
            raise SystemExit(f"lambdaflow.emulator: cannot listen on {where}: {error}") from None
        servers.append(url_server)
        url = f"http://{host}:{http11.bound_port(url_server)}"
        print(f"{FUNCTION_URL_PREFIX}{url}", file=sys.stderr, flush=True)
    if config.api_port is not None:
        from lambdaflow.emulator.routes.api_gateway import ApiGatewayRoutes

        try:
            api_server = await http11.start_server(
                ApiGatewayRoutes(sandbox, config, config.api_payload_version),
                config.host,
                config.api_port,
                **caller_limits,
            )
        except OSError as error:
            for server in (runtime_server, *servers):
                server.close()
            where = f"{config.host}:{config.api_port}"
            raise SystemExit(f"lambdaflow.emulator: cannot listen on {where}: {error}") from None
        servers.append(api_server)
        print(f"{API_PREFIX}http://{host}:{http11.bound_port(api_server)}", file=sys.stderr,
              flush=True)
    if config.eager_init or config.snapstart:  # SnapStart inits as a version publish does
        sandbox.start_eagerly()
    print(
        f"{LISTENING_PREFIX}http://{host}:{http11.bound_port(invoke_server)}",
        file=sys.stderr,
        flush=True,
    )
    try:
        await stop.wait()
    finally:
        for server in servers:
            server.close()
        await sandbox.shutdown()
        runtime_server.close()


def run(config: EmulatorConfig) -> int:
    """Entry point for the command line; returns the process exit status."""
    asyncio.run(serve(config))
    return 0
