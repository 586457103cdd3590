"""Stands in for the aws-lambda-rie binary in tests: takes the RIE's command line, runs ours.

The real RIE cannot be downloaded here. lambdaflow's emulator prints the RIE's exact lines, so
translating the RIE's flags onto it exercises everything the benchmark does with `--rie`: the
command line, the AWS_LAMBDA_RUNTIME_API-less environment and readiness by HTTP probe.
"""

from __future__ import annotations

import os
import sys

FLAGS = ("--runtime-interface-emulator-address", "--runtime-api-address", "--log-level")


def main(argv: list[str]) -> None:
    if "AWS_LAMBDA_RUNTIME_API" in os.environ:
        sys.exit("the RIE is started without AWS_LAMBDA_RUNTIME_API")
    options = {}
    while argv and argv[0] in FLAGS:
        options[argv[0]] = argv[1]
        argv = argv[2:]
    host, port = options.get(FLAGS[0], "0.0.0.0:8080").rsplit(":", 1)
    os.execv(sys.executable, [sys.executable, "-m", "lambdaflow.emulator", "--host", host,
                              "--port", port, "--", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
