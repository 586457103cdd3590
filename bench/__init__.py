"""Benchmark suite: run a function behind an RIE-compatible emulator and show where each ms goes.

`python -m bench SUBCOMMAND [...]` runs one benchmark (see docs/bench.md; `--help` lists them).
One line a module (tests/bench/test_bench_map.py keeps the list exact):

- `__main__`: `python -m bench`: the subcommands, each a benchmark module's `main(argv)`
- `end_to_end`: `end-to-end`: the echo example, small payloads, sequential invokes
- `heavy`: `heavy`: examples/heavy cycling sleep/cpu 20/50 ms, the bars checked
- `findings_cli`: the command line `end-to-end` and `heavy` share
- `workloads`: the two workloads and the runtime commands that serve them
- `backends`: the emulator and a real RIE binary serving the invoke endpoint
- `rie_binary`: where AWS's RIE binary is (LAMBDAFLOW_RIE, ../shared/tools, the aws-sam-cli wheel)
- `podman`: the podman backend: a function image on a published port
- `captured_process`: a subprocess in its own group, stdout and stderr captured by line
- `invoker`: one keep-alive HTTP connection to the invoke endpoint, timed round trips
- `runner`: start a backend, invoke, collect the trailing lines, stop
- `logparse`: REPORT lines and the runtime's metrics lines, parsed
- `join`: REPORT <-> metrics record on request id; what does not join is listed
- `stats`: mean, p50, p99, max
- `findings`: per-phase summaries, overheads, init time, memory, throughput
- `tables`: findings as Markdown tables
- `plot`: `--plot FILE`: a PNG of each phase's distribution
- `peers`: `--peers`: awslambdaric and a bare stdlib runtime beside lambdaflow
- `peer_handlers`: awslambdaric handlers doing what the examples do
- `memory_runs`: `--mem`: memory allocated per invocation, RSS after many
- `memtrace`: lambdaflow's CLI under tracemalloc, started by `--mem`
- `loop_cost`: `loop`: the runtime loop's CPU per invocation against awslambdaric's
- `stub_runs`: one runtime process against `toys.runtime_api_stub`, optionally pinned
- `cold_start`: `cold-start`: spawn to first response, lambdaflow, its floors and peers
- `cold_start_peers`: the awslambdaric handlers of the cold-start rows
- `cold_start_typed_peer`: awslambdaric serving the dataclass echo by hand, a row of `cold-start`
- `cold_start_powertools`: awslambdaric + Powertools with what lambdaflow's echo has built in
- `dict_echo`: the echo as an untyped dict function, a row of `cold-start`
- `dataclass_echo`: the README echo with dataclasses instead of attrs, a row of `cold-start`
- `emulator_snapstart`: the emulator's SnapStart figures, a row of `cold-start`
- `emulator_latency`: `emulator-latency`: per-invoke latency and the emulator's own CPU
- `soak`: `soak`: many invocations, nothing lost, no leak
- `stream_bench`: `streaming`: first byte streamed against buffered, throughput, memory
- `stream_handlers`: the streamed and buffered functions of `streaming`
- `concurrency_bench`: `concurrency`: Managed Instances, N slots, N callers
- `concurrency_handlers`: the I/O-bound handler of `concurrency`, per runtime
- `emf_bench`: `emf`: the per-invoke cost of EMF metrics against Powertools Metrics
- `events_bench`: `events`: event sources' import cost and structuring speed
- `http_bench`: `http`: the Router against Powertools' resolver, the ASGI bridge against Mangum
- `http_apps`: the 20-route API and the Starlette app `http` measures, for each side
- `http_single`: the single-handler apps `http` starts cold beside the 20-route one
- `http_cold`: one cold start of an `http` app, in a fresh process
- `log_call`: `log-call`: one `logger.info` call with two fields, in process, JSON
- `billed`: `billed`: billed Duration refereed by AWS's RIE, 30 ms sleep and a log line
- `billed_functions`: the functions of `billed`, in lambdaflow and awslambdaric
- `hostile`: `hostile`: the emulator's memory and time under the hostile-input cases of issue 22
- `toys/`: toy runtimes and servers the benchmarks and the tests share
"""
