"""What a handler can read from a Lambda context, as plain JSON: the same function reads
lambdaflow's Context and awslambdaric's LambdaContext, so the two can be compared."""

from __future__ import annotations

from typing import Any

SCALARS = (
    "aws_request_id", "log_group_name", "log_stream_name", "function_name", "memory_limit_in_mb",
    "function_version", "invoked_function_arn", "tenant_id",
)
CLIENT_FIELDS = (
    "installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name",
)


def _typed(value: Any) -> list[Any]:
    return [type(value).__name__, value]


def view(context: Any) -> dict[str, Any]:
    client_context = context.client_context
    client = client_context.client if client_context is not None else None
    return {
        **{name: _typed(getattr(context, name)) for name in SCALARS},
        "remaining_type": type(context.get_remaining_time_in_millis()).__name__,
        "identity": [
            type(context.identity).__name__,
            _typed(context.identity.cognito_identity_id),
            _typed(context.identity.cognito_identity_pool_id),
            repr(context.identity),
        ],
        "client_context": client_context is not None and [
            type(client_context).__name__,
            _typed(client_context.custom),
            _typed(client_context.env),
            client is not None and [
                type(client).__name__, *(_typed(getattr(client, f)) for f in CLIENT_FIELDS)
            ],
        ],
        "w3c": context.w3c(),
    }
