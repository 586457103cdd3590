"""The test client costs the runtime nothing: the runtime never imports it, and the pytest
plugin (loaded by every pytest run where lambdaflow is installed) imports it only on use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import lambdaflow

from .test_plugin import REPO


def loaded_after(statement: str) -> set[str]:
    listing = "print(' '.join(m for m in sys.modules if m.startswith('lambdaflow')))"
    code = f"{statement}\nimport sys\n{listing}"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_the_plugin_imports_no_lambdaflow_module_until_its_fixture_is_used() -> None:
    assert loaded_after("import lambdaflow.testing_plugin") == {
        "lambdaflow",
        "lambdaflow.testing_plugin",
    }


def test_the_runtime_does_not_import_the_client() -> None:
    loaded = loaded_after("import lambdaflow.runtime.bootstrap, lambdaflow.__main__")
    assert "lambdaflow.runtime.loop" in loaded  # the whole runtime is there...
    assert not {"lambdaflow.testing", "lambdaflow.testing_plugin"} & loaded  # ...and not these



def test_the_client_does_not_load_the_runtime_api_client() -> None:
    """It runs the runtime's own init and phases in process: no socket, no connection code."""
    loaded = loaded_after("import lambdaflow.testing")
    assert "lambdaflow.runtime.init" in loaded  # the runtime's init is the one it runs...
    assert not {m for m in loaded if m.startswith("lambdaflow.runtime_api")}  # ...no client


@pytest.mark.parametrize("name", sorted(set(lambdaflow.__all__) - {"__version__"}))
def test_every_public_name_resolves_to_its_home_on_first_attribute_access(name: str) -> None:
    """In a fresh process, so the attribute access is what imports the name's module:
    `lambdaflow.metrics` is the module itself, each other name its module's object."""
    probe = (
        "import importlib, lambdaflow\n"
        f"value = lambdaflow.{name}\n"
        f"home = importlib.import_module('lambdaflow.' + lambdaflow._EXPORTS[{name!r}])\n"
        f"assert value is (home if home.__name__.endswith('.{name}') else home.{name})\n"
    )
    subprocess.run([sys.executable, "-c", probe], cwd=REPO, check=True)
