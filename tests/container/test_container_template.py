"""template.yaml, the SAM deployment of the echo image, passes cfn-lint and sets what matters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from container_scripts import REPO

decode = pytest.importorskip(
    "cfnlint.decode", reason="cfn-lint is not installed: run scripts/setup"
).decode

TEMPLATE = REPO / "template.yaml"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def test_cfn_lint_accepts_the_template() -> None:
    result = subprocess.run(
        [str(CFN_LINT), str(TEMPLATE)], capture_output=True, text=True, timeout=300, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_function_is_an_image_with_json_logs_and_explicit_limits() -> None:
    template, errors = decode(str(TEMPLATE))
    assert not errors

    properties = template["Resources"]["EchoFunction"]["Properties"]
    assert properties["PackageType"] == "Image"
    assert properties["LoggingConfig"]["LogFormat"] == "JSON"
    assert {"ImageUri", "MemorySize", "Timeout", "Architectures"} <= properties.keys()
