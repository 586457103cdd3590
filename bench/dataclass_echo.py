"""The README echo (examples/echo) with dataclasses instead of attrs: the cold-start row of a
typed function that pays for no attrs at all (`python -m lambdaflow bench.dataclass_echo:app`)."""

from dataclasses import dataclass

from lambdaflow import App, Context


@dataclass(frozen=True)
class Input:
    input: str


@dataclass(frozen=True)
class Output:
    message: str


app = App()


@app.validate
def check(event: Input, ctx: Context) -> None:
    if not event.input:
        raise ValueError("input required")


@app.handler
def handle(event: Input, ctx: Context) -> Output:
    return Output(message=event.input)
