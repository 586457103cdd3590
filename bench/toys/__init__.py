"""Toy runtimes and servers, shared by the benchmarks and the tests (one home for each).

Runtimes run by path under an emulator (`python bench/toys/minimal.py`), servers and the stdlib
floor as modules (`python -m bench.toys.echo_server`). Which toy is which: each module's
docstring, listed by `python -m bench --help`.
"""
