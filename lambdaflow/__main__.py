"""`python -m lambdaflow module:app`: load the user's App and serve invocations until killed."""

from __future__ import annotations

import sys

USAGE = """\
usage: python -m lambdaflow MODULE[:ATTRIBUTE]

Runs the lambdaflow App found at MODULE:ATTRIBUTE (ATTRIBUTE defaults to `app`) as an AWS Lambda
custom runtime: it talks to the Runtime API named by AWS_LAMBDA_RUNTIME_API. MODULE is imported
from LAMBDA_TASK_ROOT, or the current directory when that is unset.

example (in a container image's bootstrap):  exec python -m lambdaflow app:app
"""

NO_RUNTIME_API = """\
lambdaflow: AWS_LAMBDA_RUNTIME_API is not set, so there is no Lambda to serve.
This command is the runtime Lambda starts. To run your function locally, start it behind
lambdaflow's emulator and invoke it over HTTP:

    python -m lambdaflow.emulator --port 9000 -- python -m lambdaflow {target}
    curl -d '{{"input": "hi"}}' http://127.0.0.1:9000/2015-03-31/functions/function/invocations
"""


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help") or argv[0].startswith("-"):
        stream = sys.stdout if argv[:1] in (["-h"], ["--help"]) else sys.stderr
        stream.write(USAGE)
        return 0 if stream is sys.stdout else 2
    target = argv[0]
    from .settings import settings

    address = settings.runtime_api
    if not address:
        sys.stderr.write(NO_RUNTIME_API.format(target=target))
        return 2
    from .runtime.bootstrap import run

    return run(target, address)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
