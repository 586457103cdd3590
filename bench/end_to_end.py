"""`python -m bench end-to-end`: the echo example, small payloads, sequential invokes."""

from __future__ import annotations

from bench.findings_cli import run_cli
from bench.workloads import END_TO_END


def main(argv: list[str]) -> int:
    return run_cli(END_TO_END, argv)
