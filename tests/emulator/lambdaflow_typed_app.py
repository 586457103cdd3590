"""A lambdaflow app with a typed event, run by the emulator tests as `python -m lambdaflow
tests.emulator.lambdaflow_typed_app:app`: what a caller's wrong-typed event costs, end to end."""

from __future__ import annotations

import attrs

from lambdaflow import App

app = App()


@attrs.define
class Grant:
    user: str
    roles: list[str]


@app.handler
def grant(event: Grant) -> dict:
    return {"user": event.user, "roles": event.roles}
