"""The heavy example: a handler that sleeps or burns CPU for as long as the event says.

Run as `python -m lambdaflow examples.heavy.app:app`; events look like `{"input": "cpu:20ms"}`.
The benchmark cycles sleep:20ms, sleep:50ms, cpu:20ms and cpu:50ms through it so that handler
time is known and everything else in the bill is overhead.
"""

from __future__ import annotations

import attrs

from lambdaflow import App, Context

try:  # from the repository root: `python -m lambdaflow examples.heavy.app:app`
    from examples.heavy.work import parse_workload, run_workload
except ModuleNotFoundError:  # in the function image this directory is the task root
    from work import parse_workload, run_workload


@attrs.frozen
class Input:
    input: str


@attrs.frozen
class Output:
    workload: str
    busy_rounds: int


app = App()


@app.validate
def check(event: Input, ctx: Context) -> None:
    parse_workload(event.input)


@app.handler
def handle(event: Input, ctx: Context) -> Output:
    return Output(workload=event.input, busy_rounds=run_workload(parse_workload(event.input)))
