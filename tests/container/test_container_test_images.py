"""The images scripts/setup-containers builds: their apt sources name the mirror this machine's
apt uses (scripts/apt-mirror), and each test image holds the Python its TEST_PYTHONS entry says.

The image names come from scripts/_containers.sh itself, so a renamed or added image is checked
without editing this file.
"""

from __future__ import annotations

import subprocess

import pytest
from container_scripts import REPO, SCRIPTS, SETUP_HINT, podman_command
from function_container import PODMAN_TIMEOUT_S

# Prints "PYTHON IMAGE" per test image, and "- IMAGE" for the Debian base.
LIST_IMAGES = """
source scripts/_containers.sh
echo "- $DEBIAN_BASE"
for pair in "${TEST_PYTHONS[@]}"; do
    read -r python suite <<<"$pair"
    echo "$python $(test_image "$suite")"
done
"""
READ_IMAGE = (
    "cat /etc/apt/sources.list; echo ==; "
    "python3 -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])' 2>/dev/null || true"
)


def images() -> list[tuple[str, str]]:
    listing = subprocess.run(
        ["bash", "-c", LIST_IMAGES], cwd=REPO, capture_output=True, text=True, check=True
    )
    return [tuple(line.split(" ", 1)) for line in listing.stdout.splitlines()]


def host_mirror(archive: str) -> str:
    return subprocess.run(
        [str(SCRIPTS / "apt-mirror"), archive], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.parametrize(("python", "image"), images())
def test_image_uses_the_hosts_mirror_and_holds_its_python(python: str, image: str) -> None:
    result = subprocess.run(
        podman_command("run", "--rm", "--network", "none", image, "bash", "-c", READ_IMAGE),
        capture_output=True,
        text=True,
        timeout=PODMAN_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"{image} did not run ({SETUP_HINT}):\n{result.stderr}")
    sources, _, version = result.stdout.partition("==\n")
    uris = {line.split()[1] for line in sources.splitlines() if line.startswith("deb ")}
    assert uris, f"{image} has no apt sources"
    assert uris <= {host_mirror("debian"), host_mirror("debian-security")}, uris
    if python != "-":
        assert version.strip() == python
