"""A handler's second parameter annotated as the standard context's type (Powertools' and
awslambdaric's `LambdaContext`, or `Any`) receives lambdaflow's Context; any other annotated
second parameter is still refused at registration."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.typing import LambdaContext
from awslambdaric.lambda_context import LambdaContext as RicLambdaContext

from lambdaflow import App, Context
from lambdaflow.errors import RegistrationError
from lambdaflow.testing import LambdaTestClient


@pytest.mark.parametrize("annotation", [LambdaContext, RicLambdaContext, Any, Context])
def test_standard_context_annotations_receive_the_context(annotation: Any) -> None:
    app = App()

    def handle(event: dict, context: annotation) -> str:  # type: ignore[valid-type]
        return context.aws_request_id

    handle.__annotations__["context"] = annotation
    app.handler(handle)
    with LambdaTestClient(app) as client:
        assert client.invoke({}, aws_request_id="r-7").value == "r-7"


def test_another_annotated_second_parameter_is_refused() -> None:
    def handle(event: dict, limit: int) -> dict: ...

    with pytest.raises(RegistrationError, match="also requires limit"):
        App().handler(handle)
