"""An async App for the Managed Instances tests: a peer client opened in an async cold_start.

The peer (a line server of the test's own, at E2E_PEER_PORT) stands for an aiohttp session: one
connection made at init on the runtime's event loop and used by every invocation, which fails
("attached to a different loop", "Event loop is closed") unless all of them run on that loop.
"""

import asyncio
import os

from lambdaflow import App, Context
from lambdaflow.observability.log_sink import logger

app = App()


class Peer:
    """One persistent asyncio-streams connection; a lock keeps request/reply pairs together."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.lock = reader, writer, asyncio.Lock()

    async def ask(self, text: str) -> str:
        async with self.lock:
            self.writer.write(text.encode() + b"\n")
            await self.writer.drain()
            return (await self.reader.readline()).decode().strip()


peer: Peer | None = None


@app.cold_start
async def connect() -> None:
    global peer
    peer = Peer(*await asyncio.open_connection("127.0.0.1", int(os.environ["E2E_PEER_PORT"])))


@app.handler
async def handle(event: dict, ctx: Context) -> dict:
    assert peer is not None
    logger.bind(n=event["n"]).info("begin")
    await asyncio.sleep(event.get("sleep_s", 0.1))
    reply = await peer.ask(str(event["n"]))
    logger.bind(n=event["n"]).info("end")
    return {"n": event["n"], "request_id": ctx.aws_request_id, "peer": reply}
