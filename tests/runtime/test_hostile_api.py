"""Pipelining and hostile Runtime API replies, over real sockets against a real runtime process.

Each scripted server does one thing a Runtime API may do (or a broken one does); each test
checks that every request id gets exactly one answer and that the next event is still served.
"""

from __future__ import annotations

import json
import textwrap
import time
from collections import Counter

import pytest

from .conftest import RuntimeProcess, runtime_env
from .scripted_runtime_api import ACCEPTED, NEXT_PATH, Peer, Request, ScriptedApi, event_reply

ECHO_APP = """
import logging
from lambdaflow import App, Context, logger

app = App()

@app.handler
def handle(event, ctx: Context):
    if event == "fail":
        raise ValueError("failed on purpose")
    if event == "huge-fail":
        raise ValueError("m" * 200_000)
    if event == "log":
        logger.info("user.record")
        return [ctx.trace_id, ctx.tenant_id]
    return event
"""


@pytest.fixture
def run(tmp_path):
    started: list[RuntimeProcess] = []

    def start(api: ScriptedApi, source: str = ECHO_APP) -> RuntimeProcess:
        (tmp_path / "fn.py").write_text(textwrap.dedent(source))
        runtime = RuntimeProcess("fn:app", tmp_path, runtime_env(api.address))
        started.append(runtime)
        return runtime

    yield start
    for runtime in started:
        runtime.stop()


def _one_answer_each(api: ScriptedApi, ids: list[str]) -> dict[str, Request]:
    answers = [r for r in api.answers()]
    counts = Counter(r.answer_id for r in answers)
    assert all(counts[i] == 1 for i in ids), counts
    return {r.answer_id: r for r in answers}


def _after(api: ScriptedApi, request: Request) -> list[Request]:
    return api.requests[api.requests.index(request) + 1 :]


def test_next_is_sent_before_the_202_arrives(run):
    """The 202 is held back until /next arrives: a runtime that waited for it would hang."""

    def late_202(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.answer_id is not None:
            peer.held.append(ACCEPTED)  # sent when the next request arrives
            return
        api.serve(peer, request)

    with ScriptedApi(late_202) as api:
        api.events.put(event_reply(b"r-1", b'"one"'))
        api.events.put(event_reply(b"r-2", b'"two"'))
        runtime = run(api)
        answers = api.wait_for_answers(2)
        assert [(a.answer_id, a.body) for a in answers] == [("r-1", b'"one"'), ("r-2", b'"two"')]
        first = answers[0]
        [following] = _after(api, first)[:1]
        assert (following.method, following.path) == ("GET", NEXT_PATH)
        assert following.connection == first.connection
        runtime.wait_for_record("invocation.metrics", count=2)
        assert not runtime.records("runtime_api.retry")


def test_202_and_the_next_event_in_one_segment(run):
    """The reply to /next is already in the runtime's buffer when it reads the 202."""

    def together(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.answer_id is not None:
            return  # answered together with the next /next
        if request.path == NEXT_PATH and api.answers():
            try:
                event = api.events.get(timeout=5)
            except Exception:
                return
            peer.send(ACCEPTED + event)
            return
        api.serve(peer, request)

    with ScriptedApi(together) as api:
        for n in range(1, 4):
            api.events.put(event_reply(b"r-%d" % n, b'"e%d"' % n))
        runtime = run(api)
        api.wait_for_answers(3)
        _one_answer_each(api, ["r-1", "r-2", "r-3"])
        assert [r["outcome"] for r in runtime.wait_for_record("invocation.metrics", 3)] == [
            "success"] * 3


def test_413_to_a_pipelined_response_is_answered_once_with_an_error(run):
    def refuse_first(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.answer_id == "r-1" and request.path.endswith("/response"):
            peer.send(b"HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 2\r\n\r\n{}")
            return
        api.serve(peer, request)

    with ScriptedApi(refuse_first) as api:
        api.events.put(event_reply(b"r-1", b'"big"'))
        runtime = run(api)
        [error] = [r for r in api.wait_for_answers(2) if r.path.endswith("/error")]
        assert error.answer_id == "r-1"
        assert json.loads(error.body)["errorType"] == "Function.ResponseSizeTooLarge"
        # the refused answer travelled with /next in flight: the error went on its own
        # connection, and the next event is still served on the first
        assert error.connection != api.answers()[0].connection
        api.events.put(event_reply(b"r-2", b'"after"'))
        answers = api.wait_for_answers(3)
        assert (answers[-1].answer_id, answers[-1].body) == ("r-2", b'"after"')
        [logged] = runtime.wait_for_record("invocation.error")
        assert logged["outcome"] == "marshal_error" and logged["request_id"] == "r-1"


def test_connection_closed_between_the_202_and_next_is_reopened(run):
    def close_after_202(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.answer_id == "r-1":
            peer.send(ACCEPTED)
            peer.close()  # whatever the runtime sent after the answer is lost
            return
        api.serve(peer, request)

    with ScriptedApi(close_after_202) as api:
        api.events.put(event_reply(b"r-1", b'"one"'))
        api.events.put(event_reply(b"r-2", b'"two"'))
        run(api)
        api.wait_for_answers(2)
        assert list(_one_answer_each(api, ["r-1", "r-2"])) == ["r-1", "r-2"]


def test_connection_close_after_every_reply_needs_no_retry(run):
    """Issue 9: a server that says `Connection: close` is reconnected to without a warning."""

    def closing(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.path == NEXT_PATH:
            reply = api.events.get(timeout=10)
        elif request.method == "GET":
            return api.serve(peer, request)
        else:
            reply = ACCEPTED
        peer.send(reply.replace(b"\r\n", b"\r\nConnection: close\r\n", 1))
        peer.close()

    with ScriptedApi(closing) as api:
        ids = [f"r-{n}" for n in range(1, 6)]
        for request_id in ids:
            api.events.put(event_reply(request_id.encode(), b'"x"'))
        runtime = run(api)
        api.wait_for_answers(5)
        _one_answer_each(api, ids)
        runtime.wait_for_record("invocation.metrics", count=5)
        assert not runtime.records("runtime_api.retry")


def test_interim_100_continue_is_skipped(run):
    def with_continue(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.answer_id is not None:
            peer.send(b"HTTP/1.1 100 Continue\r\n\r\n" + ACCEPTED)
            return
        api.serve(peer, request)

    with ScriptedApi(with_continue) as api:
        api.events.put(b"HTTP/1.1 100 Continue\r\n\r\n" + event_reply(b"r-1", b'"one"'))
        api.events.put(event_reply(b"r-2", b'"two"'))
        runtime = run(api)
        api.wait_for_answers(2)
        _one_answer_each(api, ["r-1", "r-2"])
        assert not runtime.records("runtime_api.retry")


@pytest.mark.parametrize(
    ("raw_id", "path_id"),
    [
        (b"x/../../init/error?/response", "x%2F..%2F..%2Finit%2Ferror%3F%2Fresponse"),
        (b"a b#c\rd", "a%20b%23c%0Dd"),
        (b"..", "%2E%2E"),
    ],
)
def test_unsafe_request_ids_are_escaped_and_answered(run, raw_id, path_id):
    with ScriptedApi() as api:
        api.events.put(event_reply(raw_id, b'"one"'))
        runtime = run(api)
        [answer] = api.wait_for_answers(1)
        assert answer.path == f"/2018-06-01/runtime/invocation/{path_id}/response"
        [warning] = runtime.wait_for_record("invocation.unsafe_request_id")
        assert warning["escaped"] == path_id and "not a URL-safe token" in warning["problem"]
        [metrics] = runtime.wait_for_record("invocation.metrics")
        assert metrics["request_id"] == raw_id.decode("latin-1")


def test_a_rejected_post_is_not_a_success(run):
    """400 to the answer of an escaped id (not pipelined: the metrics line waits for it)."""

    def reject(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.answer_id is not None and "%20" in request.path:
            time.sleep(0.2)  # a runtime that pipelined would send /next meanwhile
            peer.send(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 26\r\n\r\n'
                      b'{"errorType":"BadRequest"}')
            return
        api.serve(peer, request)

    with ScriptedApi(reject) as api:
        api.events.put(event_reply(b"bad id", b'"one"'))
        api.events.put(event_reply(b"r-2", b'"two"'))
        runtime = run(api)
        api.wait_for_answers(2)
        first, second = runtime.wait_for_record("invocation.metrics", count=2)
        assert (first["outcome"], second["outcome"]) == ("post_rejected", "success")
        [answer] = [r for r in api.answers() if r.answer_id == "bad%20id"]
        [following] = _after(api, answer)[:1]
        assert following.at - answer.at >= 0.2, "sent /next before the verdict"
        [rejected] = runtime.records("invocation.post_rejected")
        assert rejected["status"] == 400 and rejected["request_id"] == "bad id"


def test_a_pipelined_post_rejected_later_is_logged_with_its_outcome(run):
    def reject(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.answer_id == "r-1":
            peer.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\n{}")
            return
        api.serve(peer, request)

    with ScriptedApi(reject) as api:
        api.events.put(event_reply(b"r-1", b'"one"'))
        api.events.put(event_reply(b"r-2", b'"two"'))
        runtime = run(api)
        api.wait_for_answers(2)
        [rejected] = runtime.wait_for_record("invocation.post_rejected")
        assert (rejected["request_id"], rejected["outcome"], rejected["status"]) == (
            "r-1", "post_rejected", 400)


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r-1\r\n"
         b"Content-Length: 100\r\n\r\n{\"cut\":", "closed after 7 of 100 body bytes"),
        (b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r-1\r\n"
         b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
         "both Transfer-Encoding and Content-Length"),
        (b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r-1\r\n"
         b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", "two different Content-Length"),
    ],
)
def test_a_next_reply_broken_after_its_request_id_is_answered_with_an_error(
    run, reply, problem
):
    def broken_first(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if request.path == NEXT_PATH and not api.answers() and not getattr(api, "done", 0):
            api.done = 1
            peer.send(reply)
            peer.close()
            return
        api.serve(peer, request)

    with ScriptedApi(broken_first) as api:
        api.events.put(event_reply(b"r-2", b'"two"'))
        runtime = run(api)
        answers = _one_answer_each(api, ["r-1", "r-2"]) if api.wait_for_answers(2) else {}
        error = json.loads(answers["r-1"].body)
        assert error["errorType"] == "Runtime.UnreadableEvent"
        assert problem in error["errorMessage"]
        assert answers["r-2"].body == b'"two"'
        [metrics, _] = runtime.wait_for_record("invocation.metrics", count=2)
        assert metrics["outcome"] == "unmarshal_error"


def test_long_trace_and_tenant_ids_are_served_and_on_every_record(run):
    trace = b"Root=1-" + b"a" * 70_000
    tenant = b"t" * 130_000
    with ScriptedApi() as api:
        api.events.put(event_reply(b"r-1", b'"log"', b"Lambda-Runtime-Trace-Id: " + trace
                                   + b"\r\nLambda-Runtime-Aws-Tenant-Id: " + tenant + b"\r\n"))
        api.events.put(event_reply(b"r-2", b'"log"', b"Lambda-Runtime-Aws-Tenant-Id: "
                                   + b"u" * 300_000 + b"\r\n"))
        api.events.put(event_reply(b"r-3", b'"plain"'))
        runtime = run(api)
        answers = _one_answer_each(api, ["r-1", "r-2", "r-3"]) if api.wait_for_answers(3) else {}
        assert json.loads(answers["r-1"].body) == [trace.decode(), tenant.decode()]
        error = json.loads(answers["r-2"].body)  # too long to be served: answered, not exited
        assert error["errorType"] == "Runtime.UnreadableEvent"
        assert "lambda-runtime-aws-tenant-id" in error["errorMessage"]
        records = runtime.wait_for_record("invocation.metrics", count=3)
        user = runtime.records("user.record")[0]
        for record in (user, records[0]):
            assert record["tenant_id"] == tenant.decode()
            assert record["xray_trace_id"] == trace.decode()
        assert "tenant_id" not in records[2] and "xray_trace_id" not in records[2]
        assert [r["cold_start"] for r in records] == [True, False, False]


@pytest.mark.parametrize("deadline", [b"soon", b"99999999999999999999"])
def test_a_bad_deadline_is_logged_once(run, deadline):
    with ScriptedApi() as api:
        for n in (1, 2):
            api.events.put(event_reply(b"r-%d" % n, b'"x"').replace(
                b"Lambda-Runtime-Deadline-Ms: ", b"Lambda-Runtime-Deadline-Ms: " + deadline
                + b"\r\nX-Old: "))
        runtime = run(api)
        api.wait_for_answers(2)
        runtime.wait_for_record("invocation.metrics", count=2)
        [logged] = runtime.records("invocation.bad_deadline")
        assert logged["value"] == deadline.decode()[:40] and logged["request_id"] == "r-1"


def test_every_function_error_carries_an_xray_cause_within_64_kib(run):
    with ScriptedApi() as api:
        api.events.put(event_reply(b"r-1", b'"fail"'))
        api.events.put(event_reply(b"r-2", b'"huge-fail"'))
        run(api)
        answers = _one_answer_each(api, ["r-1", "r-2"]) if api.wait_for_answers(2) else {}
        cause = json.loads(answers["r-1"].headers["lambda-runtime-function-xray-error-cause"])
        [exception] = cause["exceptions"]
        assert (exception["type"], exception["message"]) == ("ValueError", "failed on purpose")
        assert exception["stack"][-1]["label"] == "handle"
        assert exception["stack"][-1]["path"].endswith("fn.py")
        assert cause["paths"] == [exception["stack"][-1]["path"]]
        assert cause["working_directory"]
        raw = answers["r-2"].headers["lambda-runtime-function-xray-error-cause"]
        assert len(raw) <= 64 * 1024
        huge = json.loads(raw)["exceptions"][0]
        assert huge["message"].startswith("mmmm") and huge["message"].endswith("(truncated)")



def test_a_host_name_is_connected_to_through_urllib3(tmp_path):
    """Lambda gives an IP literal (served by a stdlib socket); a name goes through urllib3."""
    (tmp_path / "fn.py").write_text("import sys\nfrom lambdaflow import App\napp = App()\n"
                                    "app.handler(lambda event: 'urllib3' in sys.modules)\n")
    with ScriptedApi() as api:
        api.events.put(event_reply(b"r-1", b'"x"'))
        name = api.address.replace("127.0.0.1", "localhost")
        runtime = RuntimeProcess("fn:app", tmp_path, runtime_env(name))
        try:
            [answer] = api.wait_for_answers(1)
            assert answer.body == b"true" and answer.headers["host"] == name
        finally:
            runtime.stop()


def test_an_ip_literal_needs_neither_urllib3_nor_idna(run):
    probe = ("import sys\nfrom lambdaflow import App\napp = App()\n"
             "app.handler(lambda event: sorted(m for m in ('urllib3', 'encodings.idna', "
             "'stringprep', 'loguru') if m in sys.modules))\n")
    with ScriptedApi() as api:
        api.events.put(event_reply(b"r-1", b'"x"'))
        run(api, probe)
        [answer] = api.wait_for_answers(1)
        assert json.loads(answer.body) == []


def test_an_error_whose_xray_cause_is_refused_is_posted_again_without_it(run):
    def refuse_big_heads(api: ScriptedApi, peer: Peer, request: Request) -> None:
        if "lambda-runtime-function-xray-error-cause" in request.headers:
            peer.send(b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n"
                      b"Connection: close\r\n\r\n")
            peer.close()
            return
        api.serve(peer, request)

    with ScriptedApi(refuse_big_heads) as api:
        api.events.put(event_reply(b"r-1", b'"fail"'))
        api.events.put(event_reply(b"r-2", b'"two"'))
        runtime = run(api)
        refused, resent, second = api.wait_for_answers(3)
        assert (refused.answer_id, resent.answer_id, second.answer_id) == ("r-1", "r-1", "r-2")
        assert "lambda-runtime-function-xray-error-cause" not in resent.headers
        assert json.loads(resent.body)["errorMessage"] == "failed on purpose"
        [warning] = runtime.wait_for_record("invocation.xray_cause_refused")
        assert warning["status"] == 431 and warning["request_id"] == "r-1"
        assert not runtime.records("invocation.post_rejected")
