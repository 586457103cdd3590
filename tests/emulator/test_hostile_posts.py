"""What a runtime posts past Lambda's limit (issue 22): refused at the 6 MB mark, whatever the
route (response, error, init error, restore error), and never held whole by the emulator."""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from lambdaflow.emulator.http.capped_body import CappedBody, Oversized
from lambdaflow.emulator.http.messages import HttpResponse
from lambdaflow.limits import MAX_RESPONSE_BYTES

from .conftest import REPO

CONCURRENT = [sys.executable, str(REPO / "bench" / "toys" / "concurrent_runtime.py")]
SNAPSTART = [sys.executable, str(REPO / "bench" / "toys" / "snapstart_runtime.py")]
BIG = 120 * 1024 * 1024


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_responses_over_the_limit_are_refused_without_being_held(start_emulator) -> None:
    """Four 120 MB responses at once: each caller gets Function.ResponseSizeTooLarge with the
    real size, and the emulator's peak memory stays far below one response (615 MB before)."""
    emulator = start_emulator("--max-concurrency", "4", "--timeout", "60", runtime=CONCURRENT)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: emulator.invoke(json.dumps({"big": BIG})), range(4)))
    for status, headers, body in results:
        error = json.loads(body)
        assert (status, headers["X-Amz-Function-Error"]) == (200, "Unhandled")
        assert error["errorType"] == "Function.ResponseSizeTooLarge"
        assert f"({BIG} bytes)" in error["errorMessage"]
    assert peak_rss_mb(emulator.process.pid) < 100
    status, _, body = emulator.invoke(json.dumps({"n": "after"}))  # every slot serves on
    assert (status, json.loads(body)["event"]) == (200, {"n": "after"})


def test_an_init_error_over_the_limit_is_refused(start_emulator) -> None:
    emulator = start_emulator(env={"BOOTSTRAP_INIT_MODE": "initerror_big"})
    status, _, body = emulator.invoke(b"{}")
    assert status == 502
    error = json.loads(body)
    assert error["errorType"] == "Function.ResponseSizeTooLarge"
    assert f"({20 * 1024 * 1024} bytes)" in error["errorMessage"]
    assert len(body) < 1024
    emulator.wait_for_output(r"init/error -> 413 .*RequestEntityTooLarge")


def test_a_restore_error_over_the_limit_is_refused(start_emulator, tmp_path) -> None:
    fail_once = tmp_path / "fail"
    fail_once.touch()
    env = {"SNAP_FAIL_FILE": str(fail_once), "SNAP_ERROR_BYTES": str(MAX_RESPONSE_BYTES + 1)}
    emulator = start_emulator("--snapstart", runtime=SNAPSTART, env=env)
    status, _, body = emulator.invoke(b"{}")
    assert status == 502
    assert json.loads(body)["errorType"] == "Function.ResponseSizeTooLarge"
    assert len(body) < 1024
    emulator.wait_for_output(r"restore/error -> .*RequestEntityTooLarge")


def finished_with(body: bytes | Oversized, trailers) -> HttpResponse:
    return HttpResponse(202, repr(body).encode())


@pytest.mark.parametrize(
    ("pieces", "declared", "outcome"),
    [
        ([b"ab", b"cd"], 4, b"b'abcd'"),
        ([b"ab", b"cde"], 0, b"Oversized(size=5)"),  # chunked: crosses the limit
        ([b"a"], 9, b"Oversized(size=1)"),  # declared over it: nothing is held
    ],
)
def test_a_capped_body_holds_up_to_its_limit(pieces, declared: int, outcome: bytes) -> None:
    sink = CappedBody(4, 100, finished_with, declared)
    assert all(sink.data(piece) is None for piece in pieces)
    assert sink.end({}).body == outcome


def test_a_capped_body_gives_up_past_its_mark() -> None:
    sink = CappedBody(4, 10, finished_with)
    assert sink.data(b"x" * 10) is None
    assert sink.data(b"x").body == b"Oversized(size=11)"  # the answer; the connection closes
