"""A stdlib-only Lambda runtime whose behaviour is chosen by the event, like the RIE samples.

It proves the emulator serves any runtime, not only lambdaflow's, and it prints and answers
exactly what the bootstrap behind ``tests/rie_reference`` did, so that the emulator's
output can be compared with the real RIE's. Init behaviour comes from BOOTSTRAP_INIT_MODE
(initcrash, initerror, initerror_big, initerror_empty, initerror_stay, initsleep, register,
extension_probe, hangup); per-invoke behaviour from the event's "mode" (ok, error, crash,
exit0, twice, big, badjson, sleep, print, seq, env, alloc; "error" posts the event's
"error_body" if it has one);
any event's "partial" is printed without a newline after the answer; any event's "after_s"
keeps the runtime busy that long after it answered, printing a line, before it asks for the
next event (work Lambda bills).
With BOOTSTRAP_SIGNAL_FILE set, a SIGTERM is recorded in that file before exiting 0.
"""

import http.client
import json
import os
import signal
import socket
import sys
import threading
import time

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
BASE = "/2018-06-01/runtime"
INIT_MODE = os.environ.get("BOOTSTRAP_INIT_MODE", "")
HANDLED = 0
KEEP = []  # memory held on purpose by the "alloc" mode
EXTENSION_THREADS = []  # each waits in event/next for the SHUTDOWN event


def say(text):
    print(f"[bootstrap] {text}", flush=True)


def call(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def record_sigterm(signum, frame):
    # The emulator answers the extension's event/next with SHUTDOWN and signals at the same time,
    # as Lambda does; like a runtime with an internal extension, wait (within the 500 ms grace)
    # for that event before exiting, so that its line is printed whichever arrives first.
    for thread in EXTENSION_THREADS:
        thread.join(0.3)
    with open(os.environ["BOOTSTRAP_SIGNAL_FILE"], "w") as record:
        record.write(f"SIGTERM {os.getpid()}\n")
    sys.exit(0)


def register_extension():
    connection = http.client.HTTPConnection(API)
    status, headers, _ = call(
        connection,
        "POST",
        "/2020-01-01/extension/register",
        b'{"events": []}',
        {"Lambda-Extension-Name": "bootstrap-shutdown"},
    )
    identifier = headers.get("Lambda-Extension-Identifier", "")
    say(f"register -> {status} id={identifier}")

    def wait_for_event():
        status, _, body = call(
            connection,
            "GET",
            "/2020-01-01/extension/event/next",
            headers={"Lambda-Extension-Identifier": identifier},
        )
        say(f"extension event -> {status} {body.decode()}")

    thread = threading.Thread(target=wait_for_event, daemon=True)
    thread.start()
    EXTENSION_THREADS.append(thread)


def probe_extensions_api(connection):
    """Call the Extensions API wrongly and print what came back."""
    register = "/2020-01-01/extension/register"
    status, _, body = call(connection, "POST", register, b'{"events": []}')
    say(f"register without a name -> {status} {body!r}")
    for identifier in (None, "00000000-0000-0000-0000-000000000000"):
        headers = {"Lambda-Extension-Identifier": identifier} if identifier else {}
        status, _, body = call(connection, "GET", "/2020-01-01/extension/event/next", None, headers)
        say(f"event/next with id {identifier} -> {status} {body!r}")


def hang_up_a_next_call():
    """Start a /next on a second connection and hang up, as a client with a read timeout does."""
    host, port = API.split(":")
    with socket.create_connection((host, int(port))) as probe:
        probe.sendall(f"GET {BASE}/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n".encode())
        time.sleep(0.2)
    say("hung up /next")
    time.sleep(0.3)


def init(connection):
    say(f"init start, mode={INIT_MODE!r} api={API}")
    if os.environ.get("BOOTSTRAP_SIGNAL_FILE"):
        signal.signal(signal.SIGTERM, record_sigterm)
    if INIT_MODE == "initcrash":
        say("crashing during init")
        sys.exit(3)
    if INIT_MODE == "initerror":
        error = {"errorMessage": "boom at init", "errorType": "InitBoom", "stackTrace": ["a", "b"]}
        status, _, body = call(connection, "POST", f"{BASE}/init/error", json.dumps(error))
        say(f"init/error -> {status} {body!r}")
        sys.exit(1)
    if INIT_MODE == "initerror_big":  # 20 MB: over Lambda's limit
        status, _, body = call(connection, "POST", f"{BASE}/init/error", b" " * (20 << 20))
        say(f"init/error -> {status} {body!r}")
        sys.exit(1)
    if INIT_MODE == "initerror_empty":  # an init/error without a body, then exit
        status, _, body = call(connection, "POST", f"{BASE}/init/error", b"")
        say(f"init/error -> {status} {body!r}")
        sys.exit(1)
    if INIT_MODE == "initerror_stay":
        error = {"errorMessage": "boom, staying alive", "errorType": "InitBoom"}
        status, _, body = call(connection, "POST", f"{BASE}/init/error", json.dumps(error))
        say(f"init/error -> {status} {body!r}")
        status, _, body = call(connection, "GET", f"{BASE}/invocation/next")
        say(f"next after init/error -> {status} {body!r}")
        time.sleep(float(os.environ.get("BOOTSTRAP_STAY_S", "1")))
        sys.exit(0)
    if INIT_MODE == "initsleep":
        time.sleep(0.6)
    if INIT_MODE == "register":
        register_extension()
    if INIT_MODE == "extension_probe":
        probe_extensions_api(connection)
    if INIT_MODE == "hangup":
        hang_up_a_next_call()


def reply_for(mode, event, request_id, headers):
    global HANDLED
    HANDLED += 1
    if mode == "seq":
        return {"n": HANDLED, "echo": event, "pid": os.getpid()}
    if mode == "env":
        return {
            "headers": {k: v for k, v in headers.items() if k.startswith("Lambda-Runtime")},
            "content_type": headers.get("Content-Type"),
            "env": {
                k: v
                for k, v in os.environ.items()
                if "AWS" in k or "LAMBDA" in k or k == "_HANDLER"
            },
            "trace_env": os.environ.get("_X_AMZN_TRACE_ID"),
            "argv": sys.argv[1:],
        }
    if mode == "alloc":
        KEEP.append(bytearray(event["mb"] * 1024 * 1024))
    deadline = headers.get("Lambda-Runtime-Deadline-Ms")
    return {"ok": True, "echo": event, "rid": request_id, "deadline": deadline}


def handle(connection, request_id, headers, event):
    mode = event.get("mode", "ok")
    print(f"handler stdout line for {request_id} mode={mode}", flush=True)
    respond = f"{BASE}/invocation/{request_id}/response"
    if mode == "error":
        error = {
            "errorMessage": "handler failed",
            "errorType": "ValueError",
            "stackTrace": ["  File x, line 1"],
        }
        body = event.get("error_body", json.dumps(error))  # a given body is posted as it is
        return call(connection, "POST", f"{BASE}/invocation/{request_id}/error", body)
    if mode == "crash":
        say("crashing mid-invoke")
        sys.exit(7)
    if mode == "exit0":
        sys.exit(0)
    if mode == "twice":
        first = call(connection, "POST", respond, b'{"first": 1}')
        say(f"first post -> {first[0]} {first[2]!r}")
        return call(connection, "POST", respond, b'{"second": 2}')
    if mode == "big":
        return call(connection, "POST", respond, json.dumps("a" * event.get("n", 7 * 1024 * 1024)))
    if mode == "badjson":
        return call(connection, "POST", respond, b"not json{")
    if mode == "sleep":
        time.sleep(event["seconds"])
    if mode == "print":
        print("to stdout", flush=True)
        print("to stderr", file=sys.stderr, flush=True)
    os.environ["_X_AMZN_TRACE_ID"] = headers.get("Lambda-Runtime-Trace-Id", "")
    body = json.dumps(reply_for(mode, event, request_id, headers))
    return call(connection, "POST", respond, body)


def main():
    connection = http.client.HTTPConnection(API)
    init(connection)
    while True:
        status, headers, body = call(connection, "GET", f"{BASE}/invocation/next")
        request_id = headers["Lambda-Runtime-Aws-Request-Id"]
        try:
            event = json.loads(body)
        except ValueError:
            event = {}
        if not isinstance(event, dict):
            event = {}
        status, _, answer = handle(connection, request_id, headers, event)
        say(f"post -> {status} {answer!r}")
        if "partial" in event:  # output that ends no line, right before the next /next
            sys.stdout.write(event["partial"])
            sys.stdout.flush()
        if "after_s" in event:
            time.sleep(event["after_s"])
            say(f"after the answer of {request_id}")


if __name__ == "__main__":
    main()
