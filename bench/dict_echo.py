"""The echo as an untyped (dict) function: the cold-start row of a lambdaflow function that pays
for neither attrs nor dataclasses, beside awslambdaric's dict handler
(`python -m lambdaflow bench.dict_echo:app`)."""

from lambdaflow import App

app = App()


@app.handler
def handle(event: dict, context) -> dict:  # the classic signature: an unannotated context
    if not event.get("input"):
        raise ValueError("input required")
    return {"message": event["input"]}
