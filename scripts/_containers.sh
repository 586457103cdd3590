# Shared by the container scripts (setup-containers, build, run, invoke, logs, stop); sourced, not run.
# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this
# One place for the names, the podman configuration and the "print what you run" helper, so the
# scripts themselves stay a few readable lines each.

# The repository root, whatever directory the script was started from.
LAMBDAFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# podman on these machines needs runc and explicit rlimits (see docs/containers.md); every script
# reads the same file, which scripts/setup-containers writes.
LAMBDAFLOW_CONTAINERS_CONF=/etc/containers/lambdaflow.conf
export CONTAINERS_CONF=${CONTAINERS_CONF:-$LAMBDAFLOW_CONTAINERS_CONF}

# Overridable so that tests (or a second function) do not collide with a user's own container.
IMAGE=${LAMBDAFLOW_IMAGE:-localhost/lambdaflow-function:latest}
CONTAINER=${LAMBDAFLOW_CONTAINER:-lambdaflow-function}
PORT=${LAMBDAFLOW_PORT:-9000}
DEBIAN_BASE=localhost/debian:bookworm
# Where scripts/test-pythons runs the runtime and emulator tests on the Pythons Lambda runs
# besides the host's: Debian's python3 of each suite, with the runtime's dependencies and
# pytest's as Debian's own packages (nothing from PyPI inside), except cattrs: Debian's is older
# than setup.cfg allows (or missing), so each image holds a wheel (fetched on the host) of the
# oldest cattrs setup.cfg allows, which puts that floor under test too. Each image is built once
# per machine; its tag names the suite and the floor, so a new floor builds new images. Change
# the tag's number whenever the package list changes.
CATTRS_FLOOR=$(sed -n 's/^ *cattrs>=\([0-9.]*\)$/\1/p' "$LAMBDAFLOW_ROOT/setup.cfg")
TEST_IMAGE_PACKAGES="python3 python3-attr python3-typing-extensions python3-ujson python3-urllib3
    python3-loguru python3-pytest python3-hypothesis python3-botocore python3-jsonschema"
TEST_IMAGE_WHEELS="cattrs==${CATTRS_FLOOR:?no cattrs>= line in setup.cfg}"
# "PYTHON SUITE" pairs: the Debian suite whose python3 is that Python (its build checks it).
# Debian has no 3.12: scripts/test-pythons runs that one on the host (python3.12), if present.
TEST_PYTHONS=("3.13 trixie" "3.14 forky")
# The test image of a Debian suite. Usage: test_image SUITE
test_image() {
    echo "localhost/$1-tests:2-cattrs$CATTRS_FLOOR"
}
INVOKE_PATH=/2015-03-31/functions/function/invocations

# Prints the script's header comment (the '#' lines after the shebang) as its --help.
print_help() {
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
}

# Shows a command on stderr, then runs it: users see exactly what podman was asked to do.
run() {
    echo "+ $*" >&2
    "$@"
}

# Fails early, with the fix, when the machine is not set up for containers yet.
require_podman() {
    if ! command -v podman >/dev/null || [[ ! -f $CONTAINERS_CONF ]]; then
        echo "podman or $CONTAINERS_CONF is missing: run scripts/setup-containers first" >&2
        exit 1
    fi
}
