"""The framework a user touches: the App and what it builds, run in process without any I/O.

- `app`: `App`, its registration decorators and the signature inspection behind them
- `plan`: `Plan`, what the loop (and the test client) runs, built once by `App.plan`
- `codec`: bytes <-> typed values (ujson, cattrs loaded only when needed)
- `type_forms`: what an annotation is made of, as typing says, without loading typing
- `scalars`: the strict JSON scalars and typed-class tests, shared without attrs or cattrs
- `generated`: generated structure and unstructure functions, the hot path of a typed event
- `converter`: cattrs' converters, for the types the fast path leaves and to explain bad events
- `context`: `Context`, what a handler knows about its invocation
- `phases`: one invocation in process: decode -> validate -> handler -> encode, and outcomes
- `streaming`: streamed responses, `HttpStream` and the HTTP integration prelude
- `async_loop`: the process's one asyncio loop, for async handlers and hooks
"""
