"""lambdaflow functions written the way Powertools' documentation writes Lambda handlers: its
decorators stacked under `@app.handler`, reading the standard context lambdaflow passes."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    IdempotencyConfig,
    idempotent,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import (
    BasePersistenceLayer,
    DataRecord,
)
from aws_lambda_powertools.utilities.parser import BaseModel, envelopes, event_parser, parse
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdaflow import App

logger = Logger(service="shop")
metrics = Metrics(namespace="Shop", service="shop")
tracer = Tracer(disabled=True)

observed = App()


@observed.handler
@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def place_order(event: dict, context: LambdaContext) -> dict:
    metrics.add_metric(name="orders", unit=MetricUnit.Count, value=1)
    logger.info("order.placed", extra={"order_id": event["order_id"]})
    return {"order_id": event["order_id"]}


class InMemoryPersistenceLayer(BasePersistenceLayer):
    """Idempotency records in this process's memory (tests and single-environment use)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, DataRecord] = {}

    def _get_record(self, idempotency_key: str) -> DataRecord:
        try:
            return self.records[idempotency_key]
        except KeyError:
            raise IdempotencyItemNotFoundError(idempotency_key) from None

    def _put_record(self, data_record: DataRecord) -> None:
        old = self.records.get(data_record.idempotency_key)
        if old is not None and not old.is_expired:
            raise IdempotencyItemAlreadyExistsError(old_data_record=old)
        self.records[data_record.idempotency_key] = data_record

    def _update_record(self, data_record: DataRecord) -> None:
        self.records[data_record.idempotency_key] = data_record

    def _delete_record(self, data_record: DataRecord) -> None:
        self.records.pop(data_record.idempotency_key, None)


persistence = InMemoryPersistenceLayer()
charges = App()
charged: list[str] = []


@charges.handler
@idempotent(persistence_store=persistence, config=IdempotencyConfig("order_id"))
def charge(event: dict, context: LambdaContext) -> dict:
    charged.append(event["order_id"])
    record = persistence.records[next(iter(persistence.records))]
    return {"charge": len(charged), "in_progress_expiry_set": bool(
        record.in_progress_expiry_timestamp
    )}


resolver = APIGatewayHttpResolver()
http = App()


@resolver.get("/orders/<order_id>")
def get_order(order_id: str) -> dict:
    return {"order_id": order_id, "request_id": resolver.lambda_context.aws_request_id}


@http.handler
def route(event: dict, context: LambdaContext) -> dict:
    return resolver.resolve(event, context)


class Order(BaseModel):
    order_id: int
    sku: str


parsed = App()


@parsed.handler
@event_parser(model=Order, envelope=envelopes.SqsEnvelope)
def parse_orders(event, context):
    return [order.sku for order in event]


parsed_inline = App()


@parsed_inline.handler
def parse_one(event: dict, context: LambdaContext) -> dict:
    order = parse(event=event, model=Order)
    return {"order_id": order.order_id, "request_id": context.aws_request_id}
