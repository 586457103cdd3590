"""`python -m bench heavy`: examples/heavy cycling sleep/cpu 20/50 ms; the bars are checked here."""

from __future__ import annotations

from bench.findings_cli import run_cli
from bench.workloads import HEAVY


def main(argv: list[str]) -> int:
    return run_cli(HEAVY, argv)
