"""A REST API (API Gateway, payload 1.0) function with a typed event: `template.yaml` routes
GET /hello to it, so `sam local start-api` serves it (docs/containers.md;
tests/container/test_container_sam.py)."""

import json

from lambdaflow import App, logger
from lambdaflow.events import APIGatewayProxyEvent, APIGatewayProxyResponse

app = App()


@app.handler
def hello(event: APIGatewayProxyEvent) -> APIGatewayProxyResponse:
    context = event.request_context
    body = {"path": event.path, "method": event.http_method, "stage": context.stage,
            "name": (event.query_string_parameters or {}).get("name")}
    return APIGatewayProxyResponse(status_code=200, headers={"Content-Type": "application/json"},
                                   body=json.dumps(body))


@app.shutdown
def close() -> None:
    logger.info("rest_api.closed")
