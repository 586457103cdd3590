"""The standard Lambda context: what a handler reads from lambdaflow's Context is what it reads
from awslambdaric's LambdaContext built from the same headers and environment (names, types,
values), so libraries written against it (Powertools, the durable execution SDK) work."""

from __future__ import annotations

import json
import time

import pytest

from lambdaflow import Context
from lambdaflow.framework.context import CognitoIdentity, _ParsedHeaders

from .conftest import runtime_env
from .context_view import view

lambda_context = pytest.importorskip("awslambdaric.lambda_context")

VIEW_APP = """
from lambdaflow import App
from tests.runtime.context_view import view

app = App()

@app.handler
def handle(event, context):
    return view(context)
"""

CLIENT_CONTEXT = {
    "client": {"installation_id": "i-1", "app_title": "shop", "app_version_code": "42"},
    "custom": {"k": "v"},
    "env": {"platform": "Android", "locale": "de_DE"},
    "w3c": {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "tracestate": 7, "other": "dropped"},
}
IDENTITY = {"cognitoIdentityId": "eu-west-1:abc", "cognitoIdentityPoolId": "eu-west-1:pool"}
CASES = {
    "all headers": {
        "Lambda-Runtime-Client-Context": json.dumps(CLIENT_CONTEXT),
        "Lambda-Runtime-Cognito-Identity": json.dumps(IDENTITY),
        "Lambda-Runtime-Aws-Tenant-Id": "tenant-9",
    },
    "client context without client": {
        "Lambda-Runtime-Client-Context": json.dumps({"custom": {"a": 1}}),
    },
    "none": {},
}


def awslambdaric_view(monkeypatch, request_id: str, headers: dict[str, str]) -> dict:
    for name, value in runtime_env(None).items():
        if name.startswith("AWS_LAMBDA_"):
            monkeypatch.setenv(name, value)
    client_context = headers.get("Lambda-Runtime-Client-Context")
    identity = headers.get("Lambda-Runtime-Cognito-Identity")
    context = lambda_context.LambdaContext(
        request_id,
        json.loads(client_context) if client_context else None,
        json.loads(identity) if identity else None,
        int(time.time() * 1000) + 30_000,
        "arn:aws:lambda:us-east-1:123456789012:function:fn",
        headers.get("Lambda-Runtime-Aws-Tenant-Id"),
    )
    return json.loads(json.dumps(view(context)))


@pytest.mark.parametrize("case", CASES)
def test_the_runtimes_context_reads_as_awslambdarics(case, api, start_runtime, monkeypatch):
    start_runtime(VIEW_APP)
    headers = CASES[case]
    post = api.invoke(b"{}", headers)
    assert post.json() == awslambdaric_view(monkeypatch, post.request_id, headers)


def test_client_context_objects_are_built_once_and_repr_like_awslambdarics():
    context = Context("r", 0, "arn", None, None, "fn", "1", "128", "", "",
                      json.dumps(CLIENT_CONTEXT).encode(), None)
    assert context.client_context is context.client_context
    assert repr(context.client_context.client).startswith("Client([installation_id=i-1,")
    assert context.w3c() == {"traceparent": CLIENT_CONTEXT["w3c"]["traceparent"]}
    assert "w3c" not in context.client_context.custom and context.w3c() is not context.w3c()


@pytest.mark.parametrize("header", [b"not json", b"[1, 2]", b'"text"'])
def test_a_header_that_is_no_json_object_reads_as_absent(header):
    parsed = _ParsedHeaders(header, header)
    assert parsed.client_context is None and parsed.w3c == {}
    assert isinstance(parsed.identity, CognitoIdentity)
    assert parsed.identity.cognito_identity_id is None


def test_the_standard_names_are_the_only_names():
    context = Context("r", 0, "arn", None, None, "fn", "1", "128", "", "")
    for old in ("request_id", "remaining_time_ms", "memory_limit_mb", "cognito_identity"):
        assert not hasattr(context, old)
