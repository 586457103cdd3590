"""The process runtime: what `python -m lambdaflow module:app` runs, from start to exit.

- `bootstrap`: start-up: load, init, SnapStart, then hand over to the loop or the workers
- `loader`: `module:attribute` -> App, with Lambda's init error types
- `init`: check the App and run its cold_start hooks; the one runner of failing hooks
- `loop`: next -> phases -> answer -> metrics line -> next, pipelined
- `lifecycle`: SIGTERM/SIGINT: finish the invocation, run the shutdown hooks in budget, exit
- `snapstart`: the hooks around a SnapStart snapshot, and what each restore makes its own
- `concurrency`: Managed Instances with an async handler: N slots on one event loop
- `workers`: Managed Instances with a sync handler: N forked worker processes
- `otel`: the OpenTelemetry instrumentor (`opentelemetry-instrument`), loaded only by it
"""
