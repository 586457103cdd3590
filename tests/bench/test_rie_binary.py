"""bench.rie_binary finds AWS's RIE: the configured one first, else the aws-sam-cli wheel's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench import rie_binary


def test_the_configured_binary_wins(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(rie_binary.RIE_ENV, str(tmp_path / "rie"))
    assert rie_binary.find_rie() == tmp_path / "rie"


def test_the_sam_cli_wheel_ships_a_runnable_rie(monkeypatch) -> None:
    pytest.importorskip("samcli", reason="aws-sam-cli (bench extra) not installed")
    monkeypatch.delenv(rie_binary.RIE_ENV, raising=False)
    found = rie_binary.sam_cli_rie()
    assert found is not None and found.name.startswith("aws-lambda-rie-")
    printed = subprocess.run(
        [sys.executable, "-c", "import sys, bench.rie_binary as r; r.sam_cli_rie(); "
         "print('samcli' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )
    assert printed.stdout.strip() == "False"
