"""Response streaming: time to first byte streamed vs buffered, throughput and runtime memory.

``python -m bench streaming [--via raw|emulator] [--ttfb-runs 5] [--stream-mb 50]
[--stream-runs 3]``

The same work, 20 chunks made 50 ms apart, is answered by a streaming handler and by a buffered
one (``bench/stream_handlers.py``): the first byte at the receiver should come ~one chunk after
the invoke when streamed (bar: <= 60 ms on a warm function), ~1 s buffered. Then one
``--stream-mb`` stream of 1 MiB chunks made as fast as the handler can yield them: MB/s at the
receiver, and the runtime's peak RSS growth while streaming (VmHWM, reset through
/proc/PID/clear_refs just before; bar: < 10 MiB: nothing is buffered).

``--via raw`` (default): the receiver is a raw-socket Runtime API in this process
(``bench/toys/streaming_api.py``) reading the chunked body as it arrives: timings from the event
written to the runtime. ``--via emulator``: the receiver is botocore's
``invoke_with_response_stream`` (buffered: ``invoke``) against lambdaflow's emulator, timings
from the call; this needs the emulator's response-streaming endpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {
    "streamed": "bench.stream_handlers:streamed",
    "buffered": "bench.stream_handlers:buffered",
}
DRIP = {"chunks": 20, "gap_ms": 50, "size": 64}
MIB = 1024 * 1024
TTFB_BAR_MS = 60
RSS_BAR_MIB = 10


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux >= 4.0)


class RawReceiver:
    """The runtime against the in-process raw-socket Runtime API."""

    def __init__(self, target: str) -> None:
        sys.path.insert(0, str(REPO / "bench" / "toys"))
        from streaming_api import StreamingApi

        self.api = StreamingApi()
        env = dict(os.environ, PYTHONPATH=str(REPO), AWS_LAMBDA_RUNTIME_API=self.api.address,
                   AWS_LAMBDA_FUNCTION_NAME="bench", AWS_LAMBDA_LOG_LEVEL="WARN")
        self.process = subprocess.Popen([sys.executable, "-m", "lambdaflow", target], cwd=REPO,
                                        env=env, stdout=subprocess.DEVNULL)
        self.pid = self.process.pid

    def invoke(self, event: dict) -> tuple[float, float, int]:
        timing = self.api.invoke(json.dumps(event).encode())
        return timing.first_byte_s, timing.last_byte_s, timing.body_bytes

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


class EmulatorReceiver:
    """The runtime behind lambdaflow's emulator, invoked through botocore."""

    def __init__(self, target: str) -> None:
        import botocore.session

        self.streams = target == TARGETS["streamed"]
        command = [sys.executable, "-m", "lambdaflow.emulator", "--port", "0", "--",
                   sys.executable, "-m", "lambdaflow", target]
        env = dict(os.environ, PYTHONPATH=str(REPO), AWS_LAMBDA_LOG_LEVEL="WARN")
        self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if "listening on http://" in line:
                address = line.split("http://", 1)[1].split()[0].rstrip("/")
                break
        else:
            raise RuntimeError("the emulator did not start")
        self.client = botocore.session.get_session().create_client(
            "lambda", region_name="us-east-1", endpoint_url=f"http://{address}",
            aws_access_key_id="bench", aws_secret_access_key="bench",
        )
        self.pid = 0

    def invoke(self, event: dict) -> tuple[float, float, int]:
        payload = json.dumps(event).encode()
        start = time.perf_counter()
        if not self.streams:
            body = self.client.invoke(FunctionName="function", Payload=payload)["Payload"].read()
            done = time.perf_counter() - start
            self._find_runtime()
            return done, done, len(body)
        response = self.client.invoke_with_response_stream(FunctionName="function",
                                                           Payload=payload)
        first, total = 0.0, 0
        for event_part in response["EventStream"]:
            chunk = event_part.get("PayloadChunk")
            if chunk:
                first = first or time.perf_counter() - start
                total += len(chunk["Payload"])
        self._find_runtime()
        return first, time.perf_counter() - start, total

    def _find_runtime(self) -> None:
        if self.pid:
            return
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    self.pid = int(entry.name)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench streaming", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--via", choices=("raw", "emulator"), default="raw")
    parser.add_argument("--ttfb-runs", type=int, default=5)
    parser.add_argument("--stream-mb", type=int, default=50)
    parser.add_argument("--stream-runs", type=int, default=3)
    args = parser.parse_args(argv)
    receiver_class = RawReceiver if args.via == "raw" else EmulatorReceiver

    first_byte: dict[str, list[float]] = {}
    for name, target in TARGETS.items():
        receiver = receiver_class(target)
        try:
            receiver.invoke(dict(DRIP, chunks=1, gap_ms=0))  # warm: not the cold start
            first_byte[name] = [receiver.invoke(DRIP)[0] * 1000 for _ in range(args.ttfb_runs)]
        finally:
            receiver.close()
    print(f"time to first byte, 20 chunks 50 ms apart, via {args.via} (ms, {args.ttfb_runs} "
          "warm invokes):")
    for name, values in first_byte.items():
        print(f"  {name:9s} median {statistics.median(values):8.1f}  min {min(values):8.1f}  "
              f"max {max(values):8.1f}")
    streamed_ms = statistics.median(first_byte["streamed"])
    ratio = statistics.median(first_byte["buffered"]) / streamed_ms
    verdict = "met" if streamed_ms <= TTFB_BAR_MS else "NOT met"
    print(f"  buffered / streamed: {ratio:.0f}x; bar: streamed <= {TTFB_BAR_MS} ms: {verdict}")

    receiver = receiver_class(TARGETS["streamed"])
    big = {"chunks": args.stream_mb, "gap_ms": 0, "size": MIB}
    try:
        for _ in range(2):  # warm: the first answer's metrics line loads loguru after it is sent
            receiver.invoke(dict(big, chunks=1))
        rates, growths = [], []
        for _ in range(args.stream_runs):
            baseline = _status_kib(receiver.pid, "VmRSS")
            _reset_peak(receiver.pid)
            _, last, size = receiver.invoke(big)
            growths.append((_status_kib(receiver.pid, "VmHWM") - baseline) / 1024)
            assert size == args.stream_mb * MIB, size
            rates.append(size / MIB / last)
    finally:
        receiver.close()
    print(f"\n{args.stream_mb} MiB stream of 1 MiB chunks via {args.via}, {args.stream_runs} runs:")
    print(f"  throughput MiB/s: median {statistics.median(rates):.0f}  "
          f"min {min(rates):.0f}  max {max(rates):.0f}")
    print(f"  runtime peak RSS growth while streaming, MiB: max {max(growths):.2f}; bar: "
          f"< {RSS_BAR_MIB}: {'met' if max(growths) < RSS_BAR_MIB else 'NOT met'}")
    return 0
