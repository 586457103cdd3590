"""A sync App for the Managed Instances tests: served by forked workers, one invocation each."""

import os
import time

from lambdaflow import App, Context
from lambdaflow.observability.log_sink import logger

app = App()


@app.handler
def handle(event: dict, ctx: Context) -> dict:
    logger.bind(n=event["n"], pid=os.getpid()).info("begin")
    time.sleep(event.get("sleep_s", 0.1))
    logger.bind(n=event["n"]).info("end")
    return {"n": event["n"], "request_id": ctx.aws_request_id, "pid": os.getpid()}
