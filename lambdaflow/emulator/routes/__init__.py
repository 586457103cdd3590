"""The emulator's endpoints: what callers and the runtime process send it, and its answers.

- `invoke_routes`: the Invoke API (`/2015-03-31/functions/<name>/invocations`) and its stream form
- `function_url`: a Function URL: HTTP requests in as payload 2.0 events, real HTTP out
- `api_gateway`: an API Gateway HTTP API front (payload 2.0, or 1.0), for trying routes locally
- `runtime_routes`: the Runtime API and Extensions API the runtime talks to
- `extensions`: the Extensions API subset that tells a runtime about shutdown
- `rie_responses`: the exact statuses, headers and bodies the AWS RIE answers with
- `streaming_callers`: callers that get the runtime's answer as it arrives
- `response_relay`: a streamed `/response` relayed to such a caller
- `streamed_response`: a chunked response written piece by piece
- `event_stream`: AWS event-stream framing for InvokeWithResponseStream
"""
