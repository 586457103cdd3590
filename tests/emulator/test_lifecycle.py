"""Runtime lifecycle under the emulator: deadlines, re-init, honest REPORT figures, shutdown."""

from __future__ import annotations

import base64
import json
import os
import signal
import sys
import time

from lambdaflow.emulator.output.report import RESPONSE_LINE

from .conftest import BOOTSTRAP


def runtime_pid(emulator) -> int:
    status, _, body = emulator.invoke(b'{"mode": "seq"}')
    assert status == 200, body
    return json.loads(body)["pid"]


def wait_until_gone(pid: int, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_timeout_answers_the_rie_body_kills_and_reinits(start_emulator) -> None:
    emulator = start_emulator("--timeout", "2")  # also bounds init: leave a slow start room
    first_pid = runtime_pid(emulator)
    status, headers, body = emulator.invoke(b'{"mode": "sleep", "seconds": 30}')
    assert (status, body) == (200, b"Task timed out after 2.00 seconds")
    assert headers["X-Amz-Function-Error"] == "Unhandled"
    assert wait_until_gone(first_pid)
    assert emulator.reports(2)[-1].group("duration_ms") == "2000.00"
    second_pid = runtime_pid(emulator)
    assert second_pid != first_pid
    assert emulator.reports(3)[-1].group("init_ms") is not None


def test_timeout_comes_from_the_rie_variable(start_emulator) -> None:
    emulator = start_emulator(env={"AWS_LAMBDA_FUNCTION_TIMEOUT": "2"})
    status, _, body = emulator.invoke(b'{"mode": "sleep", "seconds": 30}')
    assert (status, body) == (200, b"Task timed out after 2.00 seconds")


def test_a_runtime_that_dies_between_invokes_is_started_again(start_emulator) -> None:
    emulator = start_emulator()
    first_pid = runtime_pid(emulator)
    os.kill(first_pid, signal.SIGKILL)
    assert wait_until_gone(first_pid)
    assert runtime_pid(emulator) != first_pid


def test_eager_init_starts_the_runtime_before_any_invoke(start_emulator) -> None:
    emulator = start_emulator("--eager-init")
    emulator.wait_for_output(r"^\[bootstrap\] init start")
    assert "START" not in emulator.output()
    runtime_pid(emulator)
    assert emulator.reports(1)[0].group("init_ms") is not None


def test_init_duration_is_the_real_init_time_and_reported_once(start_emulator) -> None:
    emulator = start_emulator(env={"BOOTSTRAP_INIT_MODE": "initsleep"})  # sleeps 0.6 s in init
    runtime_pid(emulator)
    runtime_pid(emulator)
    first, second = emulator.reports(2)
    assert float(first.group("init_ms")) >= 600
    assert float(first.group("duration_ms")) < 600  # init time is not billed as duration
    assert second.group("init_ms") is None


def test_duration_runs_until_the_runtime_asks_for_the_next_event(start_emulator) -> None:
    """Lambda bills work done after the answer; the answer itself does not wait for it."""
    emulator = start_emulator("--response-lines")
    runtime_pid(emulator)
    started = time.monotonic()
    status, headers, _ = emulator.invoke(b'{"after_s": 0.4}', {"X-Amz-Log-Type": "Tail"})
    tail = base64.b64decode(headers["X-Amz-Log-Result"]).decode()
    assert status == 200
    assert time.monotonic() - started >= 0.4  # the tail holds the invocation's whole log
    assert "after the answer of" in tail and "\tBilled Duration: " in tail
    status, _, _ = emulator.invoke(b'{"after_s": 0.4}')
    answered_in = time.monotonic() - started
    assert status == 200
    reports = emulator.reports(3)
    for report in reports[1:]:
        assert 400 <= float(report.group("duration_ms")) < 1000
    responses = [RESPONSE_LINE.match(line) for line in emulator.output().splitlines()]
    response_ms = [float(match.group("response_ms")) for match in responses if match]
    assert len(response_ms) == 3 and all(ms < 400 for ms in response_ms), response_ms
    assert answered_in < 0.4 + float(reports[1].group("duration_ms")) / 1000 + 0.4


def test_max_memory_used_is_the_runtimes_real_peak(start_emulator) -> None:
    emulator = start_emulator()
    runtime_pid(emulator)
    assert emulator.invoke(b'{"mode": "alloc", "mb": 96}')[0] == 200
    runtime_pid(emulator)
    before, during, after = (int(r.group("max_memory_mb")) for r in emulator.reports(3))
    assert 0 < before < 96 <= during <= after < 3008


def test_sigterm_reaches_a_runtime_that_registered_an_extension(start_emulator, tmp_path) -> None:
    record = tmp_path / "sigterm"
    env = {"BOOTSTRAP_INIT_MODE": "register", "BOOTSTRAP_SIGNAL_FILE": str(record)}
    emulator = start_emulator(env=env)
    pid = runtime_pid(emulator)
    emulator.wait_for_output(r"register -> 200 id=[0-9a-f-]{36}$")
    assert emulator.stop(signal.SIGTERM) == 0
    assert record.read_text() == f"SIGTERM {pid}\n"
    assert '"eventType": "SHUTDOWN"' in emulator.output()
    assert wait_until_gone(pid)


def test_a_runtime_without_extension_is_killed_without_sigterm(start_emulator, tmp_path) -> None:
    record = tmp_path / "sigterm"
    emulator = start_emulator(env={"BOOTSTRAP_SIGNAL_FILE": str(record)})
    pid = runtime_pid(emulator)
    assert emulator.stop(signal.SIGINT) == 0
    assert wait_until_gone(pid)
    assert not record.exists()


def test_a_runtime_that_cannot_start_fails_each_invoke_like_an_init_crash(start_emulator) -> None:
    emulator = start_emulator(runtime=["/nonexistent/bootstrap"])
    for _ in range(2):
        status, headers, body = emulator.invoke(b"{}")
        assert (status, body) == (502, b"")
        assert "Content-Type" not in headers
    assert emulator.stop() == 0


def test_an_empty_init_error_is_answered_like_an_init_crash(start_emulator) -> None:
    """An init/error without a body: 502, empty, with no Content-Type (as the RIE's crash)."""
    emulator = start_emulator(env={"BOOTSTRAP_INIT_MODE": "initerror_empty"})
    status, headers, body = emulator.invoke(b"{}")
    assert (status, body, headers.get("X-Amz-Function-Error")) == (502, b"", "Unhandled")
    assert "Content-Type" not in headers


def test_an_init_that_never_finishes_is_bounded_by_the_timeout(start_emulator) -> None:
    hang = [sys.executable, "-c", "import time; time.sleep(120)"]
    emulator = start_emulator("--timeout", "1", runtime=hang)
    status, _, body = emulator.invoke(b"{}")
    assert (status, body) == (200, b"Task timed out after 1.00 seconds")
    assert emulator.reports(1)[0].group("init_ms") == "1000.00"


def test_waiting_for_a_runtime_that_stays_after_init_error_is_bounded(start_emulator) -> None:
    env = {"BOOTSTRAP_INIT_MODE": "initerror_stay", "BOOTSTRAP_STAY_S": "120"}
    emulator = start_emulator("--timeout", "3", env=env)
    status, _, body = emulator.invoke(b"{}")
    assert status == 502
    assert json.loads(body) == {"errorMessage": "boom, staying alive", "errorType": "InitBoom"}


def test_restarts_leak_no_file_descriptors(start_emulator) -> None:
    emulator = start_emulator("--timeout", "5")

    def crash_and_recover() -> None:
        assert emulator.invoke(b'{"mode": "crash"}')[0] == 502
        runtime_pid(emulator)

    def open_fds() -> int:
        return len(os.listdir(f"/proc/{emulator.process.pid}/fd"))

    crash_and_recover()
    before = open_fds()
    for _ in range(10):
        crash_and_recover()
    deadline = time.monotonic() + 10  # closed client connections are noticed asynchronously
    while open_fds() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_fds() <= before


def test_extensions_api_refuses_missing_names_and_identifiers(start_emulator) -> None:
    emulator = start_emulator(env={"BOOTSTRAP_INIT_MODE": "extension_probe"})
    runtime_pid(emulator)
    output = emulator.output()
    assert "register without a name -> 400 " in output
    missing = (
        'event/next with id None -> 403 b\'{"errorMessage":"Missing Lambda-Extension-Identifier'
        ' header","errorType":"Extension.MissingExtensionIdentifier"}\\n\''
    )
    assert missing in output
    assert "with id 00000000-0000-0000-0000-000000000000 -> 403 " in output
    assert "Extension.InvalidExtensionIdentifier" in output


def test_a_runtime_that_hangs_up_next_and_asks_again_is_served(start_emulator) -> None:
    emulator = start_emulator("--eager-init", env={"BOOTSTRAP_INIT_MODE": "hangup"})
    emulator.wait_for_output(r"hung up /next$")
    first_pid = runtime_pid(emulator)
    assert runtime_pid(emulator) == first_pid
    assert "-> 403" not in emulator.output()


def _alive(pid: int) -> bool:
    """Running, not merely unreaped (a zombie is gone for the test's purpose)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_what_a_runtime_started_dies_with_it(start_emulator, tmp_path) -> None:
    """A runtime's leftover process (here a `sleep` it started) must not outlive its exit."""
    pid_file = tmp_path / "leftover.pid"
    launcher = f"sleep 300 & echo $! > {pid_file}; exec {sys.executable} {BOOTSTRAP}"
    emulator = start_emulator(runtime=["/bin/sh", "-c", launcher])
    runtime_pid(emulator)
    leftover = int(pid_file.read_text())
    assert _alive(leftover)
    emulator.invoke(b'{"mode": "crash"}')  # the runtime exits 7 mid-invoke
    deadline = time.monotonic() + 10
    while _alive(leftover) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(leftover)
