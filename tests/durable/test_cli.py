"""The emulator's durable flags, as the command line resolves them."""

from __future__ import annotations

import pytest

from lambdaflow.emulator.cli import parse_args


def test_durable_flags_anywhere_among_the_arguments() -> None:
    config = parse_args(
        [
            "--durable",
            "python",
            "-m",
            "lambdaflow",
            "--durable-time-skipping",
            "--durable-state=state.json",
            "--durable-target",
            "other=http://127.0.0.1:9001",
            "--durable-execution-timeout",
            "30",
            "--durable-retention-days=2",
            "app:app",
        ],
        {},
    )
    assert config.command == ("python", "-m", "lambdaflow", "app:app")
    assert (config.durable, config.durable_time_skipping) == (True, True)
    assert config.durable_state == "state.json"
    assert config.durable_targets == (("other", "http://127.0.0.1:9001"),)
    assert config.durable_execution_timeout_s == 30.0
    assert config.durable_retention_days == 2.0


def test_without_durable_nothing_is_durable() -> None:
    config = parse_args(["python", "app.py"], {})
    assert not config.durable and config.durable_execution_timeout_s == 86400.0


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["--durable-time-skipping", "cmd"], "need --durable"),
        (["--durable-retention-days", "3", "cmd"], "need --durable"),
        (["--durable", "--durable-retention-days", "91", "cmd"], "at most 90"),
        (["--durable", "--durable-target", "nourl", "cmd"], "NAME=http"),
        (["--durable", "--durable-execution-timeout", "0", "cmd"], "must be positive"),
    ],
)
def test_bad_durable_flags_are_refused(arguments, problem, capsys) -> None:
    with pytest.raises(SystemExit):
        parse_args(arguments, {})
    assert problem in capsys.readouterr().err
