"""tests/http is no package (its name would shadow the standard library's `http`): modules
import each other as `tests.http.NAME`, as the emulator's runtime subprocesses do."""

from tests.emulator.conftest import start_emulator  # noqa: F401 (a fixture, used by name)
