"""Shared fixtures for the benchmark suite's tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: A copy of the real RIE's output (../shared/reference/rie), kept in the repo for a fresh clone.
RIE_SAMPLES = REPO / "tests" / "rie_reference"


@pytest.fixture(scope="session")
def rie_samples() -> Path:
    """Directory of real AWS RIE output (`*.log` = its stdout, `*.curl` = what callers got)."""
    assert RIE_SAMPLES.is_dir(), f"real RIE samples expected at {RIE_SAMPLES}"
    return RIE_SAMPLES


def read_lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def needs_extra(module: str) -> pytest.MarkDecorator:
    """Skip a test whose optional dependency is absent, naming the command that installs it."""
    missing = importlib.util.find_spec(module) is None
    return pytest.mark.skipif(missing, reason=f"{module} is not installed: run scripts/setup")
