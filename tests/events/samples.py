"""The sample events under samples/: raw bytes and decoded JSON, read fresh for each test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).parent / "samples"


def sample_bytes(name: str) -> bytes:
    return (SAMPLES / f"{name}.json").read_bytes()


def sample(name: str) -> Any:
    return json.loads(sample_bytes(name))
