"""lambdaflow.events: import cost per source, and structuring speed against Powertools' Parser.

`python -m bench events [--spawns N] [--rounds N]`, best pinned: `taskset -c 0 ...`.

Import cost: fresh interpreters, each first importing lambdaflow.framework.codec (a typed
function has it already), then timing `from lambdaflow.events import ...` inside the process,
as CPU time of its thread (which other load on a shared machine inflates less than wall time).
"+ hooks" also builds the structure hooks, as registering a handler does. The median of N spawns,
the variants interleaved. Powertools' models are timed from a bare interpreter, pydantic included (a
Powertools function imports it for the models alone).

Structuring: microseconds per event for the API Gateway v2 sample and an SQS batch of 10 records
(the sample's records cloned), the median of interleaved rounds, both sides in this process:
- from the decoded dict: lambdaflow's structure hook vs pydantic `model_validate` (Powertools'
  `parse` receives the dict awslambdaric decoded);
- from the event's bytes: lambdaflow's decoder (ujson + structure, what the loop runs) vs
  `json.loads` + `model_validate` (awslambdaric + Parser) and pydantic's `model_validate_json`.
"""

from __future__ import annotations

import argparse
import compileall
import copy
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "tests" / "events" / "samples"

_TIMED_IMPORT = """\
import time{setup}
start = time.thread_time()
{statement}
print((time.thread_time() - start) * 1000)
"""
_OURS = "\nimport lambdaflow.framework.codec"
_HOOKS = (
    "\nfrom lambdaflow.framework.codec import converter\n"
    + "for cls in ({names},): converter.get_structure_hook(cls)"
)
_ALL_OURS = (
    "APIGatewayProxyEvent, APIGatewayProxyEventV2, ALBEvent, CloudWatchLogsEvent, "
    "DynamoDBStreamEvent, EventBridgeEvent, KinesisStreamEvent, LambdaFunctionUrlEvent, "
    "S3Event, ScheduledEvent, SNSEvent, SQSEvent"
)
_ALL_POWERTOOLS = (
    "APIGatewayProxyEventModel, APIGatewayProxyEventV2Model, AlbModel, CloudWatchLogsModel, "
    "DynamoDBStreamModel, EventBridgeModel, KinesisDataStreamModel, LambdaFunctionUrlModel, "
    "S3Model, SnsModel, SqsModel"
)
_POWERTOOLS_MODELS = "from aws_lambda_powertools.utilities.parser.models import {names}"


def _ours(names: str, hooks: bool) -> tuple[str, str]:
    statement = f"from lambdaflow.events import {names}"
    return _OURS, statement + (_HOOKS.format(names=names) if hooks else "")


IMPORTS: dict[str, tuple[str, str]] = {
    "lambdaflow.events: SQSEvent": _ours("SQSEvent", hooks=False),
    "lambdaflow.events: SQSEvent + hooks": _ours("SQSEvent", hooks=True),
    "lambdaflow.events: APIGatewayProxyEventV2 + hooks": _ours(
        "APIGatewayProxyEventV2", hooks=True
    ),
    "lambdaflow.events: all 12 event classes": _ours(_ALL_OURS, hooks=False),
    "lambdaflow.events: all 12 event classes + hooks": _ours(_ALL_OURS, hooks=True),
    "Powertools: SqsModel (with pydantic)": ("", _POWERTOOLS_MODELS.format(names="SqsModel")),
    "Powertools: all 11 models (with pydantic)": (
        "",
        _POWERTOOLS_MODELS.format(names=_ALL_POWERTOOLS),
    ),
}


def measure_imports(spawns: int) -> dict[str, float]:
    """Median milliseconds of each timed import, over `spawns` interleaved fresh interpreters.

    lambdaflow is byte-compiled first, as in a deployed image (pip compiles Powertools).
    """
    compileall.compile_dir(REPO / "lambdaflow", quiet=1)
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for round_ in range(spawns + 1):
        for name, (setup, statement) in IMPORTS.items():
            code = _TIMED_IMPORT.format(setup=setup, statement=statement)
            result = subprocess.run(
                [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
            )
            if round_:  # the first round warms the file cache
                samples[name].append(float(result.stdout))
    return {name: statistics.median(values) for name, values in samples.items()}


def sqs_batch(size: int) -> dict[str, Any]:
    raw = json.loads((SAMPLES / "sqs.json").read_bytes())
    records = raw["Records"]
    raw["Records"] = [copy.deepcopy(records[index % len(records)]) for index in range(size)]
    for index, record in enumerate(raw["Records"]):
        record["messageId"] = f"{record['messageId'][:-4]}{index:04d}"
    return raw


def structuring_cases() -> dict[str, dict[str, Callable[[], Any]]]:
    """For each event: the variants that turn it into typed objects, as zero-argument calls."""
    from aws_lambda_powertools.utilities.parser.models import (
        APIGatewayProxyEventV2Model,
        SqsModel,
    )

    from lambdaflow.events import APIGatewayProxyEventV2, SQSEvent
    from lambdaflow.framework.codec import converter, decoder_for

    events = {
        "API Gateway v2 event": (
            json.loads((SAMPLES / "api_gateway_v2.json").read_bytes()),
            APIGatewayProxyEventV2,
            APIGatewayProxyEventV2Model,
        ),
        "SQS batch of 10": (sqs_batch(10), SQSEvent, SqsModel),
    }
    cases: dict[str, dict[str, Callable[[], Any]]] = {}
    for name, (raw, ours, model) in events.items():
        body = json.dumps(raw).encode()
        structure = converter.get_structure_hook(ours)
        decode = decoder_for(ours)
        cases[name] = {
            "dict: lambdaflow structure": lambda raw=raw, s=structure, t=ours: s(raw, t),
            "dict: pydantic model_validate": lambda raw=raw, m=model: m.model_validate(raw),
            "bytes: lambdaflow decode": lambda body=body, d=decode: d(body),
            "bytes: json.loads + model_validate": (
                lambda body=body, m=model: m.model_validate(json.loads(body))
            ),
            "bytes: pydantic model_validate_json": (
                lambda body=body, m=model: m.model_validate_json(body)
            ),
        }
    return cases


def _time_per_call(call: Callable[[], Any], calls: int) -> float:
    start = time.thread_time()
    for _ in range(calls):
        call()
    return (time.thread_time() - start) / calls * 1e6


def measure_structuring(rounds: int, calls: int) -> dict[str, dict[str, float]]:
    """Median microseconds per event of each variant, over interleaved rounds."""
    cases = structuring_cases()
    samples = {event: {variant: [] for variant in variants} for event, variants in cases.items()}
    for variants in cases.values():
        for call in variants.values():
            _time_per_call(call, calls)  # warm-up: hooks built, caches filled
    for _ in range(rounds):
        for event, variants in cases.items():
            for variant, call in variants.items():
                samples[event][variant].append(_time_per_call(call, calls))
    return {
        event: {variant: statistics.median(values) for variant, values in variants.items()}
        for event, variants in samples.items()
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench events", description=__doc__)
    parser.add_argument("--spawns", type=int, default=21, help="fresh interpreters per import")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved structuring rounds")
    parser.add_argument("--calls", type=int, default=2000, help="calls per structuring round")
    args = parser.parse_args(argv)

    print(f"import cost, median of {args.spawns} fresh interpreters (ms)")
    for name, ms in measure_imports(args.spawns).items():
        print(f"  {name:<48} {ms:7.2f}")
    print(f"structuring, median of {args.rounds} rounds of {args.calls} calls (us/event)")
    for event, variants in measure_structuring(args.rounds, args.calls).items():
        ours = {"dict": variants["dict: lambdaflow structure"]}
        ours["bytes"] = variants["bytes: lambdaflow decode"]
        print(f"  {event}")
        for variant, us in variants.items():
            ratio = us / ours[variant.split(":")[0]]
            print(f"    {variant:<38} {us:8.1f}   {ratio:5.2f}x lambdaflow")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
