"""Benchmark suite: run a function behind an RIE-compatible emulator and show where each ms goes.

`python -m bench end-to-end|heavy [...]` (see docs/bench.md). The modules keep one concern each:
logparse (emulator/runtime log lines), join (REPORT <-> metrics on request id), stats, findings,
tables, backends/captured_process/invoker (running and calling a backend), runner, peers,
memory_runs; toys/ holds the toy runtimes and servers the benchmarks and the tests share.
"""
