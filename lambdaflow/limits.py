"""Lambda's documented limits, in one place for the runtime and the emulator alike.

A leaf module (it imports nothing), so the emulator can share it without depending on the
runtime. Figures from the Lambda quotas page and the Runtime API reference.
"""

#: A buffered (non-streamed) response, as the Runtime API enforces it: 6 MiB plus 100 bytes.
MAX_RESPONSE_BYTES = 6_291_556
#: A streamed response (Lambda's documented maximum, 200 MB). Lambda streams the first 6 MB
#: uncapped and the rest at up to 2 MB/s; nothing here models that bandwidth.
MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024
