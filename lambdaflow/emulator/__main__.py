"""``python -m lambdaflow.emulator [options] [--] COMMAND [ARGS...]``."""

import sys

from lambdaflow.emulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
