"""Start-up: init failures are posted to /runtime/init/error and the process exits non-zero."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import REPO, runtime_env

GOOD_APP = """
from lambdaflow import App
app = App()

@app.handler
def handle(event):
    return event
"""


@pytest.mark.parametrize(
    ("source", "target", "error_type", "message"),
    [
        (
            GOOD_APP,
            "missing_module:app",
            "Runtime.ImportModuleError",
            "Unable to import module 'missing_module': No module named 'missing_module'",
        ),
        ("def broken(:\n", "fn:app", "Runtime.UserCodeSyntaxError", "Syntax error in module 'fn'"),
        (
            "import no_such_dependency\n",
            "fn:app",
            "Runtime.ImportModuleError",
            "Unable to import module 'fn': No module named 'no_such_dependency'",
        ),
        (
            "raise RuntimeError('config missing')\n",
            "fn:app",
            "Runtime.ImportModuleError",
            "Unable to import module 'fn': RuntimeError: config missing",
        ),
        (GOOD_APP, "fn:other", "Runtime.HandlerNotFound", "Module 'fn' has no attribute 'other'"),
        (
            "app = 42\n",
            "fn:app",
            "Runtime.HandlerNotFound",
            "'fn.app' is a int, not a lambdaflow App",
        ),
        (
            "from lambdaflow import App\napp = App()\n",
            "fn",
            "Runtime.HandlerNotFound",
            "the App has no handler",
        ),
        (
            GOOD_APP + "\n@app.cold_start\ndef init():\n    raise ConnectionError('db down')\n",
            "fn:app",
            "ConnectionError",
            "cold_start hook fn.init failed: db down",
        ),
        (
            "import sys\nsys.exit(0)\n",
            "fn:app",
            "Runtime.ImportModuleError",
            "Unable to import module 'fn': SystemExit: 0",
        ),
        (
            GOOD_APP + "\n@app.cold_start\ndef init():\n    raise SystemExit(0)\n",
            "fn:app",
            "SystemExit",
            "cold_start hook fn.init failed: 0",
        ),
        (
            GOOD_APP + "\n@app.cold_start\ndef init():\n    raise KeyboardInterrupt\n",
            "fn:app",
            "KeyboardInterrupt",
            "cold_start hook fn.init failed: ",
        ),
        (  # a message that is not valid Unicode must still be posted (ASCII-escaped)
            GOOD_APP + "\n@app.cold_start\ndef init():\n"
            "    raise OSError('bad path ' + b'\\xff'.decode(errors='surrogateescape'))\n",
            "fn:app",
            "OSError",
            "cold_start hook fn.init failed: bad path \udcff",
        ),
    ],
)
def test_init_failures_are_reported_and_exit_non_zero(
    api, start_runtime, source, target, error_type, message
):
    runtime = start_runtime(source, target=target)
    assert runtime.wait() == 1
    post = api.wait_for(None, "init_error")
    body = post.json()
    assert body["errorType"] == error_type
    assert body["errorMessage"].startswith(message)
    assert isinstance(body["stackTrace"], list)
    header = post.headers["lambda-runtime-function-error-type"]
    assert header == (error_type if error_type.startswith("Runtime.") else f"Function.{error_type}")
    [logged] = runtime.records("init.error")
    assert logged["error_type"] == error_type


def test_cold_start_hooks_run_once_in_order_before_the_first_invocation(api, start_runtime):
    start_runtime("""
        from lambdaflow import App

        app = App()
        calls = []
        app.cold_start(lambda: calls.append("first"))
        app.cold_start(lambda: calls.append("second"))

        @app.handler
        def report(event):
            calls.append("invocation")
            return calls
    """)
    assert api.invoke(b"{}").json() == ["first", "second", "invocation"]
    assert api.invoke(b"{}").json() == ["first", "second", "invocation", "invocation"]


def run_cli(*args: str, api_address: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lambdaflow", *args],
        env=runtime_env(api_address),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_without_runtime_api_it_explains_how_to_run_locally():
    result = run_cli("examples.echo.app:app")
    assert result.returncode == 2
    assert "AWS_LAMBDA_RUNTIME_API is not set" in result.stderr
    assert "python -m lambdaflow.emulator" in result.stderr
    assert "examples.echo.app:app" in result.stderr


def test_help_and_usage_errors():
    helped = run_cli("--help")
    assert (
        helped.returncode == 0 and "usage: python -m lambdaflow MODULE[:ATTRIBUTE]" in helped.stdout
    )
    assert run_cli().returncode == 2
    assert run_cli("a", "b").returncode == 2


def test_bad_target_is_an_init_error(api):
    result = run_cli("not a module", api_address=api.address)
    assert result.returncode == 1
    assert api.wait_for(None, "init_error").json()["errorType"] == "Runtime.HandlerNotFound"


def test_importing_lambdaflow_is_lazy():
    probe = (
        "import sys, lambdaflow; "
        "assert 'loguru' not in sys.modules and 'cattrs' not in sys.modules, 'eager import'; "
        "from lambdaflow import App, Context, logger; print(App.__name__, Context.__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=runtime_env(None), capture_output=True, text=True
    )
    assert (result.returncode, result.stdout.strip()) == (0, "App Context"), result.stderr


def test_loguru_autoinit_switch_does_not_leak_into_the_function(api, start_runtime):
    start_runtime("""
        import os
        from lambdaflow import App
        app = App()

        @app.handler
        def handle(event):
            return os.environ.get("LOGURU_AUTOINIT")
    """)
    assert api.invoke(b"{}").json() is None


def test_malformed_runtime_api_address_is_a_logged_exit():
    result = run_cli("examples.echo.app:app", api_address="no-port-here")
    assert result.returncode == 1
    assert "AWS_LAMBDA_RUNTIME_API is not host:port" in result.stdout
