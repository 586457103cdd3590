"""`--plot`: a PNG is written from joined rows; no rows is an error, not an empty picture."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.join import join
from bench.logparse import parse_log
from bench.plot import plot_phases
from tests.bench.conftest import needs_extra
from tests.bench.synthetic import invocation

pytestmark = needs_extra("matplotlib")


def test_png_from_rows(tmp_path: Path) -> None:
    lines = [line for i in range(20) for line in invocation(f"r{i}", 20.0 + i, 21.0 + i)]
    path = tmp_path / "phases.png"
    plot_phases(join(parse_log(lines)).rows, path, "heavy")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 10_000


def test_no_rows(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no joined rows"):
        plot_phases([], tmp_path / "empty.png", "heavy")
    assert not (tmp_path / "empty.png").exists()
