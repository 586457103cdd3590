"""Toy runtimes and servers, shared by the benchmarks and the tests (one home for each).

Runtimes, run by path under an emulator (`python bench/toys/minimal.py`): scripted_runtime
(behaviour chosen per event, as the bootstrap behind the recorded RIE samples), minimal (raw
socket) and minimal_http_client (http.client) for latency figures, streaming, stalls,
faulty_runtime (for the soak's checks), stdlib_runtime (the floor under `--peers`; run as a
module), floor (minimal after importing the modules named: the cold-start floors).
Servers, run as modules: runtime_api_stub (a Runtime API for measuring runtimes) and
echo_server (the HTTP floor under the emulator's latency). raw_http is the socket HTTP they share.
"""
