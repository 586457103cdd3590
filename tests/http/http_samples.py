"""Sample events (AWS's, under tests/events/samples and samples/ here) and a free port."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
EVENT_SAMPLES = HERE.parent / "events" / "samples"


def sample(name: str) -> Any:
    """A sample event, read fresh (tests change their copies)."""
    local = HERE / "samples" / f"{name}.json"
    path = local if local.exists() else EVENT_SAMPLES / f"{name}.json"
    return json.loads(path.read_text())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
