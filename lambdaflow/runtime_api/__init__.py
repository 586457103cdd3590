"""The Runtime API client: how the runtime talks to Lambda (or an emulator) over HTTP/1.1.

The runtime above it calls one `client.RuntimeClient` and never sees a request or a status.

- `api_requests`: each Runtime API and Extensions API call as a value that renders its bytes
- `replies`: HTTP/1.1 response framing, read straight off the socket
- `verdicts`: what a reply means to the runtime (accepted, too large, already answered, ...)
- `connection`: the one keep-alive connection, requests in flight, bounded reconnects
- `client`: `RuntimeClient`, the calls the runtime makes; `Invocation`, an event handed over
- `extensions`: the internal extension that makes Lambda send SIGTERM at shutdown
"""
