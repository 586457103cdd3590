"""Random bytes and random JSON against a typed handler: every event gets an answer."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import RuntimeProcess, runtime_env
from .fake_runtime_api import FakeRuntimeApi

TYPED_APP = """
import attrs
from lambdaflow import App

@attrs.frozen
class Item:
    name: str
    price: float

@attrs.frozen
class Order:
    id: int
    items: list[Item]
    note: str | None = None

app = App()

@app.handler
def handle(order: Order) -> dict:
    return {"id": order.id, "total": sum(item.price for item in order.items)}
"""

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "items", "name", "price", "note", "x"]) | st.text(),
                      children, max_size=4),
    max_leaves=12,
)
ORDERS = st.fixed_dictionaries(
    {"id": st.integers(-(2**63), 2**63 - 1),
     "items": st.lists(st.fixed_dictionaries({"name": st.text(), "price": st.floats(
         allow_nan=False, allow_infinity=False, width=32)}), max_size=3)}
)
EXPECTED_ERRORS = {"Runtime.UnmarshalError"}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[FakeRuntimeApi]:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "fn.py").write_text(TYPED_APP)
    with FakeRuntimeApi() as api:
        runtime = RuntimeProcess("fn:app", root, runtime_env(api.address))
        try:
            yield api
            assert runtime.process.poll() is None, "the loop died"
        finally:
            runtime.stop()


def _check_answered(api: FakeRuntimeApi, body: bytes) -> None:
    post = api.invoke(body)
    if post.kind == "error":
        assert post.json()["errorType"] in EXPECTED_ERRORS, post.body
    else:
        assert set(post.json()) == {"id", "total"}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes(served, body: bytes):
    _check_answered(served, body)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES | ORDERS)
def test_random_json(served, value):
    _check_answered(served, json.dumps(value).encode())
