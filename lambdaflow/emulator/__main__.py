"""``python -m lambdaflow.emulator [options] -- COMMAND [ARGS...]``."""

import sys

from lambdaflow.emulator.cli import parse_args
from lambdaflow.emulator.server import run

if __name__ == "__main__":
    sys.exit(run(parse_args(sys.argv[1:])))
