"""The emulator as a durable-functions backend (``--durable``).

Lambda's durable functions keep a checkpoint log per execution and re-invoke the function to
replay it after waits, retry backoffs and callbacks. Here that service lives inside the
emulator: the invoke port also serves the durable-execution API (the paths of botocore's
``lambda`` model), so the SDK inside the function and boto3 outside reach it through
``AWS_ENDPOINT_URL_LAMBDA``.

- `records`: durable executions as data, and their store (memory, optionally a file)
- `history`: history events as Lambda records them
- `checkpoint`: CheckpointDurableExecution: operation updates applied to an execution
- `scheduler`: invokes the function, ends invocations, fires timers
- `api`: the durable-execution API on the invoke port, and Invoke of a durable function
- `chained`: chained invokes of functions that other emulators serve
"""
