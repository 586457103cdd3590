"""scripts/apt-mirror: the container images take their Debian mirror from the host's apt sources.

Each test writes an /etc of its own (os-release and apt's sources in both formats) and runs the
real script on it, as scripts/setup-containers does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "apt-mirror"
BOOKWORM = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n'


def apt_mirror(etc: Path, archive: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--etc", str(etc), archive],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def make_etc(tmp_path: Path, files: dict[str, str], os_release: str = BOOKWORM) -> Path:
    etc = tmp_path / "etc"
    (etc / "apt" / "sources.list.d").mkdir(parents=True)
    (etc / "os-release").write_text(os_release)
    for name, text in files.items():
        (etc / "apt" / name).write_text(text)
    return etc


DEB822 = """\
Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror-a.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 Comment: an inline key's lines are no fields
 Enabled: no
 .
 -----END PGP PUBLIC KEY BLOCK-----

Types: deb deb-src
URIs: https://mirror-a.example/debian-security/
Suites: bookworm-security
Components: main
"""


def test_deb822_sources_give_both_archives(tmp_path: Path) -> None:
    etc = make_etc(tmp_path, {"sources.list.d/debian.sources": DEB822})
    main, security = apt_mirror(etc, "debian"), apt_mirror(etc, "debian-security")
    assert (main.returncode, main.stdout) == (0, "http://mirror-a.example/debian\n")
    assert (security.returncode, security.stdout) == (0, "https://mirror-a.example/debian-security\n")


def test_one_line_sources_with_options_and_comments(tmp_path: Path) -> None:
    etc = make_etc(
        tmp_path,
        {
            "sources.list": (
                "# deb http://commented.example/debian bookworm main\n"
                "deb-src http://source-only.example/debian bookworm main\n"
                "deb [arch=amd64 signed-by=/usr/share/keyrings/a b.gpg] "
                "http://mirror-b.example/debian/ bookworm main # trailing comment\n"
            ),
            "sources.list.d/security.list": (
                "deb http://mirror-c.example/sec bookworm-security main\n"
            ),
        },
    )
    assert apt_mirror(etc, "debian").stdout == "http://mirror-b.example/debian\n"
    assert apt_mirror(etc, "debian-security").stdout == "http://mirror-c.example/sec\n"


def test_only_enabled_deb_entries_for_the_hosts_release_count(tmp_path: Path) -> None:
    """Another vendor's repository, a disabled stanza, a disabled file, an older release and a
    local (file:) mirror, no use inside an image, are passed over; the first entry that lists
    the host's release wins."""
    etc = make_etc(
        tmp_path,
        {
            "sources.list.d/a-vendor.sources": (
                "Types: deb\nURIs: https://vendor.example/node\nSuites: nodistro\n"
            ),
            "sources.list.d/b-old.list": "deb http://old.example/debian bullseye main\n",
            "sources.list.d/c-disabled.sources": (
                "Types: deb\nURIs: http://disabled.example/debian\nSuites: bookworm\nEnabled: no\n"
            ),
            "sources.list.d/d-off.list.disabled": "deb http://off.example/debian bookworm main\n",
            "sources.list.d/e-local.list": "deb file:/srv/mirror/debian bookworm main\n",
            "sources.list.d/f-debian.sources": DEB822,
            "sources.list.d/g-second.list": "deb http://second.example/debian bookworm main\n",
        },
    )
    assert apt_mirror(etc, "debian").stdout == "http://mirror-a.example/debian\n"


def test_host_release_comes_from_os_release(tmp_path: Path) -> None:
    trixie = BOOKWORM.replace("bookworm", "trixie")
    etc = make_etc(
        tmp_path,
        {
            "sources.list": (
                "deb http://mirror-b.example/debian bookworm main\n"
                "deb http://mirror-t.example/debian trixie main\n"
            )
        },
        os_release=trixie,
    )
    assert apt_mirror(etc, "debian").stdout == "http://mirror-t.example/debian\n"


@pytest.mark.parametrize(
    ("os_release", "sources", "archive", "cause"),
    [
        (BOOKWORM, "deb http://mirror-b.example/debian bookworm main\n", "debian-security",
         "suite bookworm-security"),
        (BOOKWORM, "", "debian", "suite bookworm"),
        ("ID=ubuntu\nVERSION_CODENAME=noble\n", "deb http://u.example/ubuntu noble main\n",
         "debian", "names no Debian release"),
    ],
)
def test_no_matching_source_is_a_clear_error(
    tmp_path: Path, os_release: str, sources: str, archive: str, cause: str
) -> None:
    result = apt_mirror(make_etc(tmp_path, {"sources.list": sources}, os_release), archive)
    assert result.returncode == 1
    assert result.stdout == ""
    assert cause in result.stderr
