"""The test client costs the runtime nothing: the runtime never imports it, and the pytest
plugin (loaded by every pytest run where lambdaflow is installed) imports it only on use."""

from __future__ import annotations

import subprocess
import sys

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
    loaded = loaded_after("import lambdaflow.bootstrap, lambdaflow.__main__")
    assert "lambdaflow.loop" in loaded  # the whole runtime is there...
    assert not {"lambdaflow.testing", "lambdaflow.testing_plugin"} & loaded  # ...and not these
