"""Error payloads and headers: always a type Lambda accepts, a message that cannot fail."""

from __future__ import annotations

import json
import re

import pytest

from lambdaflow.errors import (
    XRAY_CAUSE_LIMIT,
    exception_payload,
    header_error_type,
    xray_error_cause,
)

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


@pytest.mark.parametrize(("size", "cut"), [(60_000, False), (70_000, True), (200_000, True)])
def test_xray_cause_fits_64_kib_and_is_cut_only_when_it_must(size: int, cut: bool):
    error = ValueError("m" * size)
    rendered = xray_error_cause(error, exception_payload(error))
    assert len(rendered) <= XRAY_CAUSE_LIMIT == 64 * 1024
    message = json.loads(rendered)["exceptions"][0]["message"]
    assert message.endswith("(truncated)") is cut
    assert message == "m" * size or cut
