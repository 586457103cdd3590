"""Toy runtimes and servers, shared by the benchmarks and the tests (one home for each).

Runtimes run by path under an emulator (`python bench/toys/minimal.py`), servers and the stdlib
floor as modules (`python -m bench.toys.echo_server`). One line a module:

- `scripted_runtime`: behaviour chosen per event, the bootstrap behind the recorded RIE samples
- `minimal`: the leanest stdlib runtime (raw socket), for latency figures
- `minimal_http_client`: the same on http.client
- `floor`: minimal after importing the modules named: the cold-start floors
- `stdlib_runtime`: the floor under `--peers`, run as a module
- `sleep_runtime`: the raw-socket floor under `bench billed`: sleep, one log line, answer
- `faulty_runtime`: faults to inject, for the soak's checks
- `stalls`: a runtime that stops asking for events
- `streaming_runtime`: streams its responses (chunked)
- `snapstart_runtime`: ends its init by asking for its restore
- `concurrent_runtime`: Managed Instances: a thread per slot
- `runtime_api_stub`: a Runtime API for measuring runtimes, fixed event
- `concurrent_runtime_api`: a Runtime API serving many /next at once, in process
- `streaming_api`: a Runtime API for `python -m bench streaming`
- `echo_server`: the HTTP floor under the emulator's latency
- `raw_http`: the socket HTTP the toys share
"""
