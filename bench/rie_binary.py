"""Where AWS's Runtime Interface Emulator binary is, for the runs and tests that compare with it.

In order: `LAMBDAFLOW_RIE`; `../shared/tools/aws-lambda-rie` (a build beside the repository);
the binary the aws-sam-cli wheel ships (`samcli/local/rapid/aws-lambda-rie-<arch>`, the bench
extra installs it), found without importing samcli. `python -m bench.rie_binary` prints it
(`--rie "$(python -m bench.rie_binary)"`), or exits 1 if there is none.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import sys
from pathlib import Path

RIE_ENV = "LAMBDAFLOW_RIE"
REPO = Path(__file__).resolve().parents[1]
SHARED_RIE = REPO.parent / "shared" / "tools" / "aws-lambda-rie"
#: platform.machine() -> the suffix of SAM CLI's binaries.
_ARCHES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


def sam_cli_rie() -> Path | None:
    """The RIE in the installed aws-sam-cli package, if any (samcli is not imported)."""
    spec = importlib.util.find_spec("samcli")
    arch = _ARCHES.get(platform.machine().lower())
    if spec is None or not spec.submodule_search_locations or arch is None:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "local" / "rapid" / f"aws-lambda-rie-{arch}"
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


def find_rie() -> Path | None:
    configured = os.environ.get(RIE_ENV)
    if configured:
        return Path(configured)
    if SHARED_RIE.exists():
        return SHARED_RIE
    return sam_cli_rie()


if __name__ == "__main__":
    found = find_rie()
    if found is None:
        sys.stderr.write(f"no RIE: set {RIE_ENV}, put one at {SHARED_RIE}, or install "
                         "aws-sam-cli (the bench extra)\n")
        sys.exit(1)
    sys.stdout.write(f"{found}\n")
