"""The README's first example: a typed echo function with every hook lambdaflow offers."""

import attrs

from lambdaflow import App, Context


@attrs.frozen
class Input:
    input: str


@attrs.frozen
class Output:
    message: str


app = App()


@app.cold_start
def init() -> None: ...


@app.validate
def check(event: Input, ctx: Context) -> None:
    if not event.input:
        raise ValueError("input required")


@app.handler
def handle(event: Input, ctx: Context) -> Output:
    return Output(message=event.input)


@app.shutdown
def close() -> None: ...
