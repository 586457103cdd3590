"""Stdlib `logging` routed to lambdaflow's loguru sink, so libraries' records (boto3's,
urllib3's, the function's own) come out as the same JSON lines. Installed by `runtime_log` when
`logging` is first imported; loads the sink at the first record it routes."""

from __future__ import annotations

import logging

#: loguru's level numbers, which are stdlib logging's (TRACE aside).
_LEVEL_NUMBERS = {"TRACE": 5, "DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


#: What every LogRecord has; anything else came in through `extra=` (the durable SDK's
#: executionArn and operationId, say) and goes into the line as fields.
_RECORD_FIELDS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys() | {"message", "asctime"}
)


class StdlibBridge(logging.Handler):
    """Sends stdlib `logging` records to the loguru sink (loading it, for the first record)."""

    def emit(self, record: logging.LogRecord) -> None:
        from .log_sink import logger as real  # loguru and the sink, at the first record

        try:
            level: str | int = real.level(record.levelname).name
        except ValueError:
            level = record.levelno
        extra = record.__dict__.keys() - _RECORD_FIELDS  # a library's `extra=` fields
        fields = {key: record.__dict__[key] for key in extra} if extra else {}
        real.opt(exception=record.exc_info).bind(logger=record.name, **fields).log(
            level, record.getMessage()
        )


def install(threshold: str) -> None:
    """Make the bridge the root logger's only handler, at Lambda's log level."""
    root = logging.getLogger()
    root.handlers[:] = [StdlibBridge()]
    root.setLevel(_LEVEL_NUMBERS[threshold])
