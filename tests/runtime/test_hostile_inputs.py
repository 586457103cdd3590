"""Hostile values on the runtime's side (issue 22): what a handler or a caller can hand the
runtime that must be refused, bounded or escaped rather than passed on."""

from __future__ import annotations

import pytest

from lambdaflow.streaming import HttpStream


@pytest.mark.parametrize("status", [100, 101, 199, 204, 304])
def test_http_stream_refuses_a_status_that_has_no_body(status: int) -> None:
    with pytest.raises(ValueError, match="HttpStream"):
        HttpStream(status)


def test_http_stream_takes_a_status_with_a_body() -> None:
    assert HttpStream(205).status_code == 205


def test_http_stream_refuses_a_header_name_that_only_lower_cases_to_a_token() -> None:
    with pytest.raises(ValueError, match="not an HTTP token"):
        HttpStream(headers={"\u212a-Kelvin": "1"})
