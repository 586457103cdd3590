"""The single-handler lambdaflow apps `python -m bench http` starts cold beside the 20-route
Router, each answering the same event by hand, in a module of its own so that their processes
import nothing of lambdaflow.http: `app` takes the event as a dict (the floor), `typed_app` as
lambdaflow.events' APIGatewayProxyEventV2 (how a typed single handler is written)."""

from __future__ import annotations

from lambdaflow import App
from lambdaflow.events import APIGatewayProxyEventV2, APIGatewayProxyResponseV2

app = App()
typed_app = App()


@app.handler
def handle(event: dict) -> dict:
    item_id = int(event["rawPath"].rsplit("/", 1)[-1])
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": f'{{"resource":"payments","id":{item_id}}}'}


@typed_app.handler
def handle_typed(event: APIGatewayProxyEventV2) -> APIGatewayProxyResponseV2:
    item_id = int(event.raw_path.rsplit("/", 1)[-1])
    return APIGatewayProxyResponseV2(
        status_code=200, headers={"content-type": "application/json"},
        body=f'{{"resource":"payments","id":{item_id}}}',
    )
