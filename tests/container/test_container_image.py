"""What the final image holds: the runtime ready to start, and none of the build's leftovers."""

from __future__ import annotations

import json
import subprocess

from container_scripts import podman_command
from function_container import PODMAN_TIMEOUT_S

# Runs inside the image with its own Python; prints what the assertions below look at.
INSPECT = """
import importlib.util, json, pathlib, shutil, lambdaflow
sources = [*pathlib.Path(lambdaflow.__file__).parent.rglob("*.py"), pathlib.Path("app.py")]
print(json.dumps({
    "uncompiled": [str(p) for p in sources
                   if not pathlib.Path(importlib.util.cache_from_source(str(p))).exists()],
    "pip": importlib.util.find_spec("pip") is not None,
    "tools": [t for t in ("gcc", "cc", "make", "pip", "pip3") if shutil.which(t)],
    "wheels": [str(p) for d in ("/opt", "/tmp", "/root", "/var/task")
               for p in pathlib.Path(d).rglob("*.whl")],
    "caches": [str(p) for d in ("/root/.cache", "/var/lib/apt/lists", "/var/cache/apt")
               for p in pathlib.Path(d).rglob("*") if p.is_file() and p.name != "lock"],
    "bootstrap": pathlib.Path("bootstrap").read_text(),
}))
"""


def test_image_is_precompiled_and_free_of_build_tools(function_image: str) -> None:
    result = subprocess.run(
        podman_command("run", "--rm", "--entrypoint", "python", function_image, "-c", INSPECT),
        capture_output=True,
        text=True,
        timeout=PODMAN_TIMEOUT_S,
        check=True,
    )
    found = json.loads(result.stdout)

    assert found["uncompiled"] == []
    assert found["pip"] is False
    assert found["tools"] == []
    assert found["wheels"] == []
    assert found["caches"] == []
    assert "exec python -m lambdaflow" in found["bootstrap"]
