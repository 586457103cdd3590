"""Benchmark suite: run a function behind an RIE-compatible emulator and show where each ms goes.

`python -m bench SUBCOMMAND [...]` runs one benchmark (see docs/bench.md); `python -m bench
--help` lists the subcommands and every module here with the first paragraph of its docstring,
so the module map lives in the modules themselves. toys/ holds the toy runtimes and servers the
benchmarks and the tests share.
"""
