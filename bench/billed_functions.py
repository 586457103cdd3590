"""`bench billed`'s functions: sleep 30 ms and write one log line, in lambdaflow and awslambdaric.

`python -m lambdaflow bench.billed_functions:app` logs through `lambdaflow.logger`;
`python -m awslambdaric bench.billed_functions.awslambdaric_handler` prints a JSON line, as an
awslambdaric function without a logging library does.
"""

from __future__ import annotations

import json
import time
from typing import Any

from lambdaflow import App, logger

SLEEP_S = 0.03
ANSWER = {"slept_ms": 30}

app = App()


@app.handler
def handle(event: Any) -> dict[str, int]:
    time.sleep(SLEEP_S)
    logger.info("slept", slept_ms=30)
    return ANSWER


def awslambdaric_handler(event: Any, context: Any) -> dict[str, int]:
    time.sleep(SLEEP_S)
    print(json.dumps({"message": "slept", "slept_ms": 30}), flush=True)
    return ANSWER
