"""awslambdaric + Powertools serving the echo contract with what lambdaflow's echo has built in:
structured JSON logs with the invocation's context, a metric per invocation (EMF), a typed and
validated event (Parser, pydantic). The cold-start row for the stack a user would otherwise build.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import BaseModel, event_parser
from pydantic import field_validator

logger = Logger(service="bench")
metrics = Metrics(namespace="bench", service="bench")


class Input(BaseModel):
    input: str

    @field_validator("input")
    @classmethod
    def required(cls, value: str) -> str:
        if not value:
            raise ValueError("input required")
        return value


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@event_parser(model=Input)
def handler(event: Input, context: Any) -> dict[str, Any]:
    metrics.add_metric(name="invocations", unit=MetricUnit.Count, value=1)
    return {"message": event.input}
