"""The emulator's HTTP/1.1: strict message parsing and an asyncio server.

- `messages`: requests parsed strictly, responses serialised
- `http11`: the server protocol: keep-alive, pipelining, deferred and streamed answers
- `capped_body`: a posted body held up to a limit and only counted beyond it
"""
