"""Error payloads and headers: always a type Lambda accepts, a message that cannot fail."""

from __future__ import annotations

import re

import pytest

from lambdaflow.errors import exception_payload, header_error_type

LAMBDA_PATTERN = re.compile(r"(Runtime|Function)\.[A-Z][a-zA-Z]+")


@pytest.mark.parametrize(
    ("error_type", "header"),
    [
        ("Runtime.UnmarshalError", "Runtime.UnmarshalError"),
        ("ValueError", "Function.ValueError"),
        ("HTTP404Error", "Function.HTTPError"),
        ("my_error", "Function.Myerror"),
        ("pkg.mod.Boom", "Function.Boom"),
        ("E", "Function.Unhandled"),
        ("X1", "Function.Unhandled"),
        ("_", "Function.Unhandled"),
        ("Ünïcode", "Function.Ncode"),
    ],
)
def test_header_error_type_always_matches_lambdas_pattern(error_type: str, header: str):
    assert header_error_type(error_type) == header
    assert LAMBDA_PATTERN.fullmatch(header)


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("str() itself fails")


def test_unprintable_exception_still_has_a_payload():
    try:
        raise Unprintable
    except Unprintable as exc:
        payload = exception_payload(exc)
    assert payload["errorType"] == "Unprintable"
    assert payload["errorMessage"] == "<unprintable Unprintable>"
    assert any("test_unprintable_exception" in frame for frame in payload["stackTrace"])
