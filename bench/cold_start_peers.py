"""awslambdaric handlers for the cold-start rows, each importing only what its row says.

`plain_echo`: a dict handler, awslambdaric's floor. `powertools_echo` (in
`bench.cold_start_powertools`): the feature-equivalent stack of lambdaflow's echo example, Logger,
Metrics and Parser (pydantic) with a typed event, kept in its own module so the plain row does not
import Powertools (nor `typing`, which awslambdaric itself does not import).
"""

from __future__ import annotations


def plain_echo(event: dict, context: object = None) -> dict:  # no typing: ~2 ms not the peer's
    """{"input": s} -> {"message": s}, as examples/echo (without its types and checks)."""
    if not event.get("input"):
        raise ValueError("input required")
    return {"message": event["input"]}
