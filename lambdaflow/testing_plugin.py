"""pytest plugin (entry point `lambdaflow`): the `lambda_client` fixture.

    def test_echo(lambda_client):
        client = lambda_client("examples.echo.app:app")   # or the `lambdaflow_app` ini option
        assert client.invoke({"input": "hi"}).value.message == "hi"

Loaded by every pytest run where lambdaflow is installed, so it imports nothing of lambdaflow
until a test asks for the fixture.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .framework.app import App
    from .testing import LambdaTestClient

APP_OPTION = "lambdaflow_app"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(APP_OPTION, "the App lambda_client() serves when given none (module:attribute)")


@pytest.fixture
def lambda_client(request: pytest.FixtureRequest) -> Iterator[Callable[..., LambdaTestClient]]:
    """Opens a LambdaTestClient (cold_start runs) per call; each is shut down after the test."""
    from .testing import LambdaTestClient

    with contextlib.ExitStack() as opened:

        def open_client(app: App | str | None = None, **options: Any) -> LambdaTestClient:
            target = app if app is not None else request.config.getini(APP_OPTION)
            if not target:
                raise pytest.UsageError(
                    f"lambda_client() needs an App or `module:attribute`, or the {APP_OPTION} "
                    "ini option"
                )
            return opened.enter_context(LambdaTestClient(target, **options))

        yield open_client
