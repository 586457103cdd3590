"""SnapStart: init once, snapshot, restore many times; which work goes in which hook.

Everything init builds is in the snapshot, and so is shared by every environment restored from
it. Expensive, immutable work belongs there (imports, parsed config, lookup tables); anything
that must be unique or fresh per environment is made again after the restore.
Deploy with SnapStart on (`SnapStart: ApplyOn: PublishedVersions`); see docs/snapstart.md.
"""

import random
import uuid

import attrs
import urllib3

from lambdaflow import App

app = App()
#: Built by cold_start, before the snapshot: in every restored environment as it was.
RATES: dict[str, float] = {}
#: Made again after each restore.
environment = {"id": "", "http": urllib3.PoolManager(maxsize=2)}


@attrs.frozen
class Quote:
    currency: str
    amount: float


@attrs.frozen
class Priced:
    amount_eur: float
    environment_id: str
    sample: float


@app.cold_start
def load_rates() -> None:
    """Expensive and the same everywhere: worth snapshotting."""
    RATES.update({"EUR": 1.0, "USD": 0.92, "GBP": 1.17})


@app.before_snapshot
def close_connections() -> None:
    """A connection open in the snapshot would be shared by every restored environment (and
    its peer has long forgotten it): close it now, it reopens on first use."""
    environment["http"].clear()


@app.after_restore
def new_identity() -> None:
    """Unique per environment: an id, credentials, tokens. lambdaflow has reseeded `random`
    by now; reseed other generators you seeded during init (numpy's, your own Random())."""
    environment["id"] = str(uuid.uuid4())


@app.handler
def price(event: Quote) -> Priced:
    if event.currency not in RATES:
        raise ValueError(f"unknown currency {event.currency!r}")
    return Priced(round(event.amount * RATES[event.currency], 2), environment["id"],
                  random.random())
