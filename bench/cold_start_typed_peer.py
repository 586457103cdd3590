"""awslambdaric serving the dataclass echo (`bench.dataclass_echo`) by hand: the same two frozen
dataclasses, the check and the conversions written in the handler, stdlib json as awslambdaric's.

The like-for-like peer of lambdaflow's dataclass echo: both pay for the function's own
`import dataclasses` and classes, which awslambdaric's dict handler (`cold_start_peers`) does not.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Input:
    input: str


@dataclasses.dataclass(frozen=True)
class Output:
    message: str


def handler(event: dict, context: object = None) -> dict:
    """{"input": s} -> {"message": s}, refusing what lambdaflow's codec and validate refuse."""
    if not isinstance(event, dict) or "input" not in event:  # other keys are ignored
        raise ValueError("the event is not {'input': string}")
    value = Input(input=event["input"])
    if value.input.__class__ is not str:
        raise ValueError("input: expected string")
    if not value.input:
        raise ValueError("input required")
    return dataclasses.asdict(Output(message=value.input))
