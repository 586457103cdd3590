"""Lambda's documented limits, in one place for the runtime and the emulator alike.

A leaf module (it imports nothing), so the emulator can share it without depending on the
runtime. Figures from the Lambda quotas page and the Runtime API reference.
"""

#: A buffered (non-streamed) response, as the Runtime API enforces it: 6 MiB plus 100 bytes.
MAX_RESPONSE_BYTES = 6_291_556
