"""`python -m bench hostile [--code DIR] [CASE ...]`: issue 22's hostile-input figures.

Each case starts the emulator (and its runtime) from the lambdaflow in DIR (default: this
checkout), drives it over loopback as an attacker would, and prints what it cost:

- event-stream: one 150 MB InvokeWithResponseStream with X-Amz-Invocation-Type: Event;
- big-responses: four 120 MB buffered responses at --max-concurrency 4;
- unfinished-bodies: eight chunked invokes that send 31 MB each (under the old 32 MiB cap)
  and never finish, all open at once;
  (these three: the emulator's peak RSS, VmHWM, against its RSS once started)
- slot-after-timeout: --max-concurrency 2, a caller that never reads a 100 MB stream until
  the deadline ends it, then four 1 s invokes: how long the four take (2 s if no slot is lost);
- error-size: lambdaflow's runtime, a typed event of 200,000 wrong-typed items (400 KB): the
  invoke's time, the runtime's peak RSS, the error's size and what the caller got.

To compare with an older tree: `git archive COMMIT | tar -x -C /tmp/before`, then
`python -m bench hostile --code /tmp/before`. The toy runtimes always come from this checkout.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.captured_process import CapturedProcess

REPO = Path(__file__).resolve().parents[1]
CONCURRENT = [sys.executable, str(REPO / "bench" / "toys" / "concurrent_runtime.py")]
INVOKE_PATH = "/2015-03-31/functions/function/invocations"
STREAM_PATH = "/2021-11-15/functions/function/response-streaming-invocations"
MIB = 1024 * 1024
_LISTENING = re.compile(r"lambdaflow\.emulator listening on http://[\d.]+:(\d+)")
TYPED_APP = '''
import attrs
from lambdaflow import App

app = App()


@attrs.define
class Grant:
    user: str
    roles: list[str]


@app.handler
def grant(event: Grant) -> dict:
    return {"user": event.user}
'''


class Emulator:
    """The emulator of the chosen tree, on a free loopback port."""

    def __init__(self, code: Path, options: list[str], runtime: list[str], env: dict) -> None:
        argv = [sys.executable, "-m", "lambdaflow.emulator", "--port", "0", *options, "--",
                *runtime]
        environ = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_")}
        self.process = CapturedProcess(argv, env={**environ, **env}, cwd=code)
        if not self.process.wait_for(lambda: self._port() is not None, 30):
            self.process.stop()
            raise RuntimeError("the emulator did not start:\n" + self.process.describe_failure())
        self.port = self._port()
        time.sleep(0.3)  # settled
        self.started_mb = self.rss_mb("VmRSS")

    def _port(self) -> int | None:
        match = next(filter(None, map(_LISTENING.search, self.process.stderr)), None)
        return int(match.group(1)) if match else None

    def rss_mb(self, field: str = "VmHWM", pid: int | None = None) -> float:
        with open(f"/proc/{pid or self.process.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def runtime_pid(self) -> int:
        with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as children:
            return int(children.read().split()[0])

    def wait_for(self, text: str, count: int = 1, timeout: float = 120) -> bool:
        return self.process.wait_for(
            lambda: sum(text in line for line in self.process.stdout) >= count, timeout
        )

    def invoke(self, body: bytes, path: str = INVOKE_PATH, headers: dict | None = None,
               timeout: float = 120) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("POST", path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.stop()


def _memory_line(name: str, emulator: Emulator, outcome: str) -> dict:
    peak = emulator.rss_mb("VmHWM")
    print(f"{name}: emulator RSS {emulator.started_mb:.0f} MB at start, peak {peak:.0f} MB"
          f" ({outcome})")
    return {"case": name, "start_mb": emulator.started_mb, "peak_mb": peak, "outcome": outcome}


def event_stream(code: Path) -> dict:
    emulator = Emulator(code, ["--eager-init"], CONCURRENT, {})
    try:
        event = json.dumps({"stream": [150, MIB]}).encode()
        status, _ = emulator.invoke(event, STREAM_PATH, {"X-Amz-Invocation-Type": "Event"})
        if status == 202:
            emulator.wait_for("END RequestId")
        return _memory_line("event-stream", emulator, f"caller got {status}")
    finally:
        emulator.stop()


def big_responses(code: Path) -> dict:
    emulator = Emulator(code, ["--max-concurrency", "4", "--timeout", "120"], CONCURRENT, {})
    try:
        event = json.dumps({"big": 120 * MIB}).encode()
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda _: emulator.invoke(event), range(4)))
        types = {json.loads(body).get("errorType") for _, body in results}
        return _memory_line("big-responses", emulator, f"callers got {sorted(map(str, types))}")
    finally:
        emulator.stop()


def unfinished_bodies(code: Path) -> dict:
    emulator = Emulator(code, ["--eager-init"], CONCURRENT, {})
    chunk = b"%x\r\n%b\r\n" % (MIB, b"x" * MIB)
    sockets, refused = [], 0
    try:
        for _ in range(8):
            sock = socket.create_connection(("127.0.0.1", emulator.port), timeout=30)
            sockets.append(sock)
            sock.sendall(f"POST {INVOKE_PATH} HTTP/1.1\r\nHost: x\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n".encode())
            try:
                for _ in range(31):
                    sock.sendall(chunk)
            except OSError:
                refused += 1
        time.sleep(0.5)
        return _memory_line("unfinished-bodies", emulator, f"{refused} of 8 refused")
    finally:
        for sock in sockets:
            sock.close()
        emulator.stop()


def slot_after_timeout(code: Path) -> dict:
    emulator = Emulator(code, ["--max-concurrency", "2", "--timeout", "2"], CONCURRENT, {})
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a caller that never reads
    try:
        slow.connect(("127.0.0.1", emulator.port))
        event = json.dumps({"stream": [100, MIB]}).encode()
        slow.sendall(f"POST {STREAM_PATH} HTTP/1.1\r\nHost: x\r\n"
                     f"Content-Length: {len(event)}\r\n\r\n".encode() + event)
        emulator.wait_for("END RequestId")  # the deadline ended it
        started = time.monotonic()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda n: emulator.invoke(json.dumps({"sleep_s": 1}).encode()),
                          range(4)))
        elapsed = time.monotonic() - started
        print(f"slot-after-timeout: four 1 s invokes on 2 slots took {elapsed:.1f} s")
        return {"case": "slot-after-timeout", "seconds": elapsed}
    finally:
        slow.close()
        emulator.stop()


def error_size(code: Path) -> dict:
    with tempfile.TemporaryDirectory() as app_dir:
        Path(app_dir, "hostile_typed_app.py").write_text(TYPED_APP)
        runtime = [sys.executable, "-m", "lambdaflow", "hostile_typed_app:app"]
        path = os.pathsep.join(filter(None, [str(code), app_dir, os.environ.get("PYTHONPATH")]))
        emulator = Emulator(code, ["--eager-init"], runtime, {"PYTHONPATH": path})
        try:
            emulator.invoke(json.dumps({"user": "u", "roles": ["warm"]}).encode())
            event = json.dumps({"user": "u", "roles": [1] * 200_000}, separators=(",", ":"))
            runtime_pid = emulator.runtime_pid()
            started = time.perf_counter()
            status, body = emulator.invoke(event.encode())
            elapsed = time.perf_counter() - started
            emulator.wait_for("REPORT RequestId", count=2)
            peak = emulator.rss_mb("VmHWM", runtime_pid)
            longest = max(map(len, emulator.process.stdout))
        finally:
            emulator.stop()
    error = json.loads(body)
    print(f"error-size: {len(event) // 1000} KB event -> {error.get('errorType')} in "
          f"{elapsed:.2f} s, runtime peak RSS {peak:.0f} MB, answer {len(body):,} bytes, "
          f"longest output line {longest:,} chars")
    return {"case": "error-size", "seconds": elapsed, "runtime_peak_mb": peak,
            "answer_bytes": len(body), "error_type": error.get("errorType"),
            "longest_line": longest, "status": status}


CASES: dict[str, Callable[[Path], dict]] = {
    "event-stream": event_stream,
    "big-responses": big_responses,
    "unfinished-bodies": unfinished_bodies,
    "slot-after-timeout": slot_after_timeout,
    "error-size": error_size,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench hostile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", type=Path, default=REPO,
                        help="the checkout whose lambdaflow runs (default: this one)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("cases", nargs="*", metavar="CASE",
                        help=f"any of {', '.join(CASES)} (default: all)")
    args = parser.parse_args(argv)
    unknown = set(args.cases) - set(CASES)
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    code = args.code.resolve()
    print(f"lambdaflow from {code}")
    figures = [CASES[name](code) for name in args.cases or CASES]
    if args.json:
        print(json.dumps(figures))
    return 0
