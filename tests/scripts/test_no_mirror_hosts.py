"""No tracked file names a package mirror's or registry's host: the scripts take Debian's mirror
from the machine's apt configuration (scripts/apt-mirror) and Python packages from the host's
pip configuration, so they work wherever apt and pip do."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Debian's and Ubuntu's archives and mirrors, PyPI and its file host, npm's registries.
MIRROR_HOSTS = re.compile(
    r"\b((deb|security|ftp[.a-z0-9]*|snapshot|archive|httpredir|cdn-fastly)\.debian\.org"
    r"|(archive|security|ports)\.ubuntu\.com"
    r"|(test\.)?pypi\.(org|python\.org)|files\.pythonhosted\.org"
    r"|registry\.(npmjs\.org|yarnpkg\.com))\b",
    re.IGNORECASE,
)


def tracked_files() -> list[str]:
    listing = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return [name for name in listing.stdout.decode().split("\0") if name]


def test_the_pattern_knows_the_hosts() -> None:
    """The hosts the scripts once wrote are matched, ordinary Debian and Python words are not."""
    hosts = ["deb", "security", "snapshot"]
    assert all(MIRROR_HOSTS.search(f"http://{host}.debian.org/debian") for host in hosts)
    assert MIRROR_HOSTS.search("https://" + "pypi" + ".org/simple/")
    assert not MIRROR_HOSTS.search("deb $mirror $suite main; pip download; python3-debian")


def test_no_tracked_file_names_a_mirror_host() -> None:
    found = []
    for name in tracked_files():
        path = REPO / name
        if not path.is_file():  # deleted in the working tree, or a submodule
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if MIRROR_HOSTS.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "mirror host names in tracked files:\n" + "\n".join(found)
