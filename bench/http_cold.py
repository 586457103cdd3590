"""One cold start for `python -m bench http`: import and initialise the 20-route app of
`bench.http_apps` or a single handler of `bench.http_single` as the runtime does (loader +
bootstrap), answer one HTTP API event in process, and print the time since `spawned`
(CLOCK_MONOTONIC ns, taken by the parent before the spawn) and the CPU time.

    python -m bench.http_cold routes|single|typed SPAWNED_NS
"""

from __future__ import annotations

import sys
import time


def main(which: str, spawned_ns: int) -> None:
    from lambdaflow.framework.context import Context
    from lambdaflow.framework.phases import handle
    from lambdaflow.observability.timings import Timings
    from lambdaflow.runtime.init import initialise
    from lambdaflow.runtime.loader import load_app

    app = load_app(APPS[which])
    plan = initialise(app)
    context = Context(
        aws_request_id="cold", deadline_ms=int(time.time() * 1000) + 900_000,
        invoked_function_arn="arn:aws:lambda:us-east-1:000000000000:function:bench",
        trace_id=None, tenant_id=None,
        function_name="bench", function_version="$LATEST", memory_limit_in_mb="128",
        log_group_name="/aws/lambda/bench", log_stream_name="bench",
    )
    handled = handle(plan, EVENT, context, Timings(0, 0))
    assert handled.body is not None and b'"statusCode":200' in handled.body, handled.error
    assert (which == "routes") == ("lambdaflow.http" in sys.modules)
    wall_ms = (time.monotonic_ns() - spawned_ns) / 1e6
    print(f'{{"wall_ms": {wall_ms:.3f}, "cpu_ms": {time.process_time() * 1000:.3f}}}')


APPS = {
    "routes": "bench.http_apps:routes_app",
    "single": "bench.http_single:app",
    "typed": "bench.http_single:typed_app",
}
#: The bytes of bench.http_apps.EVENTS[0], written out so that neither process imports json.
EVENT = (
    b'{"version":"2.0","routeKey":"$default","rawPath":"/payments/1041","rawQueryString":"",'
    b'"headers":{"accept":"*/*","host":"aaaaaaaaaa.execute-api.us-west-2.amazonaws.com"},'
    b'"requestContext":{"accountId":"123456789012","apiId":"aaaaaaaaaa",'
    b'"domainName":"aaaaaaaaaa.execute-api.us-west-2.amazonaws.com","domainPrefix":"aaaaaaaaaa",'
    b'"http":{"method":"GET","path":"/payments/1041","protocol":"HTTP/1.1","sourceIp":"1.2.3.4",'
    b'"userAgent":"curl/8.5.0"},"requestId":"LV7fzho-PHcEJPw=","routeKey":"$default",'
    b'"stage":"$default","time":"21/Apr/2020:15:08:21 +0000","timeEpoch":1587481701067},'
    b'"isBase64Encoded":false}'
)

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
