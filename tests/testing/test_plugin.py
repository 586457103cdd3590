"""The pytest plugin, as a user's project gets it: installed through its entry point, in a
pytest run of its own (a subprocess), on a test file and ini file written for it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

USER_APP = """
    from pathlib import Path
    from lambdaflow import App

    app = App()

    @app.handler
    def handle(event: dict) -> dict:
        return event

    @app.shutdown
    def close() -> None:
        (Path(__file__).parent / "shutdown.mark").write_text("shut down")
"""

USER_TESTS = """
    from pathlib import Path

    from examples.echo.app import Output

    SHUTDOWN_MARK = Path(__file__).parent / "shutdown.mark"

    def test_named_app(lambda_client):
        client = lambda_client("examples.echo.app:app", function_name="echo")
        result = client.invoke({"input": "hi"})
        assert result.value == Output(message="hi")
        assert result.context.function_name == "echo"

    def test_ini_app(lambda_client):
        assert lambda_client().invoke({"input": ""}).error.type == "ValueError"

    def test_shut_down_at_teardown_1(lambda_client):
        lambda_client("user_app:app")
        assert not SHUTDOWN_MARK.exists()

    def test_shut_down_at_teardown_2():
        assert SHUTDOWN_MARK.read_text() == "shut down"
"""


def run_pytest(tmp_path: Path, tests: str, ini: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "user_app.py").write_text(textwrap.dedent(USER_APP))
    (tmp_path / "test_user.py").write_text(textwrap.dedent(tests))
    (tmp_path / "pytest.ini").write_text(textwrap.dedent(ini))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fixture_from_the_entry_point_with_an_app_or_the_ini_option(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, USER_TESTS, "[pytest]\nlambdaflow_app = examples.echo.app:app\n")
    assert "4 passed" in done.stdout, done.stdout + done.stderr


def test_without_an_app_the_fixture_says_what_it_needs(tmp_path: Path) -> None:
    tests = "def test_no_app(lambda_client):\n    lambda_client()\n"
    done = run_pytest(tmp_path, tests, "[pytest]\n")
    assert done.returncode != 0
    assert "lambda_client() needs an App or `module:attribute`" in done.stdout + done.stderr


def test_an_init_failure_fails_the_test_with_the_init_error(tmp_path: Path) -> None:
    tests = "def test_broken(lambda_client):\n    lambda_client('no_such_module:app')\n"
    done = run_pytest(tmp_path, tests, "[pytest]\n")
    assert "1 failed" in done.stdout, done.stdout + done.stderr
    assert "InitFailed: Runtime.ImportModuleError: Unable to import module 'no_such_module'" in (
        done.stdout
    )
