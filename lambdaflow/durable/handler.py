"""``durable``: the SDK's ``durable_execution`` with the execution's input structured into the
handler's input type and its result unstructured, by lambdaflow's codec.

The SDK hands the handler the input as decoded JSON and ``json.dumps`` its result; this
wrapper sits between them, so an attrs class or a dataclass goes in and out, and a bad input
fails the execution with an error naming the field. The user function runs in the SDK's own
thread: the wrapper stamps the invocation's ids there, so its log lines carry the request id.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any

from ..errors import RegistrationError, UnmarshalError
from ..framework import codec
from ..observability.log_state import stamp


def durable(function: Callable[..., Any] | None = None, *, boto3_client: Any = None) -> Any:
    """Make ``function(input, context: DurableContext) -> output`` a durable handler, for
    ``@app.handler``. ``boto3_client`` is the SDK's own option (its default client reads
    ``AWS_ENDPOINT_URL_LAMBDA``, as the emulator sets it)."""
    if function is None:
        return lambda inner: durable(inner, boto3_client=boto3_client)
    from aws_durable_execution_sdk_python.execution import durable_execution

    input_type, structure = _input_of(function)
    unstructure = codec.converter.unstructure

    def run(event, durable_context):  # untyped: the SDK's wrapper passes plain JSON
        lambda_context = getattr(durable_context, "lambda_context", None)
        if getattr(lambda_context, "aws_request_id", None) is not None:
            stamp(lambda_context)  # this thread is the SDK's: give it the invocation's ids
        value = event if structure is None else _structured(event, input_type, structure)
        return unstructure(function(value, durable_context))

    handler = durable_execution(run, boto3_client=boto3_client)
    for name in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(handler, name, getattr(function, name, None))
    handler.input_type = input_type  # what the execution's input becomes
    return handler


def _input_of(function: Callable[..., Any]) -> tuple[Any, Any]:
    """The first parameter's type and its structure hook (None: the JSON value as it is)."""
    try:
        hints = typing.get_type_hints(function)
    except Exception as error:
        raise RegistrationError(
            f"cannot make {function!r} durable: its annotations do not resolve ({error})"
        ) from error
    parameters = list(inspect.signature(function).parameters.values())
    if len(parameters) < 2:
        raise RegistrationError(
            f"cannot make {function!r} durable: it takes the input and the DurableContext"
        )
    input_type = hints.get(parameters[0].name)
    if codec.is_untyped(input_type) or input_type is type(None):
        return input_type, None
    return input_type, codec.converter.get_structure_hook(input_type)


def _structured(value: Any, input_type: Any, structure: Any) -> Any:
    try:
        return structure(value, input_type)
    except Exception as error:
        problems, cause = codec.explain_structure_error(value, input_type, error)
        raise UnmarshalError(
            f"The execution's input does not match {input_type!r}: {problems}"
        ) from cause
