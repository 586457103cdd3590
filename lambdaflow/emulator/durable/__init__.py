"""The emulator as a durable-functions backend (``--durable``).

Lambda's durable functions keep a checkpoint log per execution and re-invoke the function to
replay it after waits, retry backoffs and callbacks. Here that service lives inside the
emulator: the invoke port also serves the durable-execution API (the paths of botocore's
``lambda`` model), so the SDK inside the function and boto3 outside reach it through
``AWS_ENDPOINT_URL_LAMBDA``. Modules: ``records`` (executions and their store), ``history``
(events as AWS records them), ``checkpoint`` (operation updates), ``scheduler`` (invocations
and timers), ``api`` (the HTTP routes).
"""
