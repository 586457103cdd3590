"""Cold start: the EMF and metrics modules are not imported before the first response unless the
function uses them, even with a namespace configured (the record's form is built after it)."""

from __future__ import annotations

import pytest

METRICS_MODULES = [
    "lambdaflow.observability.emf",
    "lambdaflow.observability.emf_rules",
    "lambdaflow.metrics",
]

PROBE_APP = """
import sys
from lambdaflow import App
{extra_import}
app = App()

@app.handler
def handle(event: dict) -> list:
    return sorted(m for m in sys.modules if m in {modules!r})
"""


@pytest.mark.parametrize(
    ("extra_import", "expected"),
    [
        ("", []),
        (
            "from lambdaflow import metrics",
            ["lambdaflow.metrics", "lambdaflow.observability.emf_rules"],
        ),
    ],
)
def test_metrics_modules_load_only_for_functions_that_use_them(
    api, start_runtime, extra_import: str, expected: list[str]
) -> None:
    source = PROBE_APP.format(extra_import=extra_import, modules=METRICS_MODULES)
    start_runtime(source, LAMBDAFLOW_METRICS_NAMESPACE="Shop")
    assert api.invoke(b"{}").json() == expected
