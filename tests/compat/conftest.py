"""The runtime as a real subprocess against a real Runtime API on loopback (tests/runtime's)."""

from tests.runtime.conftest import api, start_runtime  # noqa: F401
