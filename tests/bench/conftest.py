"""Shared fixtures for the benchmark suite's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RIE_SAMPLES = REPO.parent / "shared" / "reference" / "rie"


@pytest.fixture(scope="session")
def rie_samples() -> Path:
    """Directory of real AWS RIE output (`*.log` = its stdout), laid beside the checkout."""
    assert RIE_SAMPLES.is_dir(), f"real RIE samples expected at {RIE_SAMPLES}"
    return RIE_SAMPLES


def read_lines(path: Path) -> list[str]:
    return path.read_text().splitlines()
