"""Records written through the runtime's real JSON log sink, as the loop will write them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from lambdaflow.observability import log_sink as lf_logging
from lambdaflow.observability.metrics_record import (
    METRICS_MESSAGE,
    OUTCOME_FIELD,
    PHASE_FIELDS,
    TOTAL_FIELD,
)

from .emf_schema import parse_line

REQUEST_ID = "8f5e3a52-0c7d-4c1e-9a61-6f1b2b1d9e0a"
PHASE_VALUES = {name: 0.125 * (index + 1) for index, name in enumerate(PHASE_FIELDS)}
PHASE_VALUES[TOTAL_FIELD] = sum(PHASE_VALUES.values())

Emit = Callable[..., tuple[str, dict[str, Any]]]


@pytest.fixture
def emit(capsys: pytest.CaptureFixture[str]) -> Iterator[Emit]:
    """Write one invocation.metrics line with `fields` merged in; return it raw and parsed."""
    lf_logging.configure("fn")
    lf_logging.current_invocation.request_id = REQUEST_ID

    def write(fields: dict[str, Any], outcome: str = "success") -> tuple[str, dict[str, Any]]:
        capsys.readouterr()
        lf_logging.logger.info(
            METRICS_MESSAGE, **{OUTCOME_FIELD: outcome}, **PHASE_VALUES, **fields
        )
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 1, lines
        return lines[0], parse_line(lines[0])

    yield write
    lf_logging.current_invocation.request_id = None
    lf_logging.logger.remove()
