"""A stdlib SnapStart runtime: with AWS_LAMBDA_INITIALIZATION_TYPE=snap-start it ends its init
by asking for its restore (GET /runtime/restore/next), then runs its "after restore" work.

SNAP_INIT_S and SNAP_RESTORE_S say how long init and restore take. If the file named by
SNAP_FAIL_FILE exists, the restore fails once: the file is removed, the error posted to
/runtime/restore/error (padded to SNAP_ERROR_BYTES if set), and the runtime exits 65 (as
awslambdaric does). Invocations are echoed:
{"event": ..., "init_type": ...}.
"""

import json
import os
import time

from raw_http import connect, read_answer

BASE = "/2018-06-01/runtime/"
connection, reader = connect()


def call(method: str, path: str, body: bytes = b"", extra: str = "") -> tuple[dict, bytes]:
    connection.sendall(
        f"{method} {BASE}{path} HTTP/1.1\r\nHost: runtime\r\n{extra}"
        f"Content-Length: {len(body)}\r\n\r\n".encode() + body
    )
    return read_answer(reader)


init_type = os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE", "")
time.sleep(float(os.environ.get("SNAP_INIT_S", "0")))
if init_type == "snap-start":
    call("GET", "restore/next")
    print("restored", flush=True)
    time.sleep(float(os.environ.get("SNAP_RESTORE_S", "0")))
    fail_file = os.environ.get("SNAP_FAIL_FILE", "")
    if fail_file and os.path.exists(fail_file):
        os.remove(fail_file)
        error = json.dumps({"errorMessage": "restore hook failed", "errorType": "RestoreBroke"})
        error = error.ljust(int(os.environ.get("SNAP_ERROR_BYTES", "0")))
        headers, answer = call(
            "POST", "restore/error", error.encode(), "Lambda-Runtime-Function-Error-Type: x\r\n"
        )
        print(f"restore/error -> {answer.decode()}", flush=True)
        raise SystemExit(65)

while True:
    headers, body = call("GET", "invocation/next")
    request_id = headers[b"lambda-runtime-aws-request-id"].decode()
    answer = json.dumps({"event": json.loads(body), "init_type": init_type}).encode()
    call("POST", f"invocation/{request_id}/response", answer)
