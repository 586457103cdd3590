"""The framework a user touches: the App and what it builds, run in process without any I/O.

- `app`: `App`, its registration decorators and the signature inspection behind them
- `plan`: `Plan`, what the loop (and the test client) runs, built once by `App.plan`
- `codec`: bytes <-> typed values (ujson, cattrs loaded only when needed)
- `generated`: generated structure functions, the hot path of decoding a typed event
- `context`: `Context`, what a handler knows about its invocation
- `phases`: one invocation in process: decode -> validate -> handler -> encode, and outcomes
- `streaming`: streamed responses, `HttpStream` and the HTTP integration prelude
- `async_loop`: the process's one asyncio loop, for async handlers and hooks
"""
