"""Lambda's documented limits, in one place for the runtime and the emulator alike.

A leaf module (it imports nothing), so the emulator can share it without depending on the
runtime. Figures from the Lambda quotas page and the Runtime API reference.
"""

#: A synchronous invoke's request payload (Lambda's "6 MB", refused with 413
#: RequestTooLargeException "Request must be smaller than 6291456 bytes").
MAX_REQUEST_BYTES = 6 * 1024 * 1024
#: An asynchronous (Event) invoke's payload: "1 MB" in the Invoke API reference (256 KB before
#: 2025); Lambda queues it, as the emulator does.
MAX_ASYNC_REQUEST_BYTES = 1024 * 1024

#: A buffered (non-streamed) response, as the Runtime API enforces it: 6 MiB plus 100 bytes.
MAX_RESPONSE_BYTES = 6_291_556

#: A streamed response, prelude included (the Lambda developer guide's "200 MB" for response
#: streaming; read as MiB like the buffered limit's "6 MB"). The first 6 MB are unthrottled,
#: the rest go at about 2 MB/s: Lambda's rate, not something a runtime enforces.
MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024
