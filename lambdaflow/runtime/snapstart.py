"""SnapStart: init once, snapshot, and make each restored environment its own before it serves.

With `AWS_LAMBDA_INITIALIZATION_TYPE=snap-start` (`settings.snap_start`) Lambda runs init when
a version is published, snapshots the environment while the runtime waits in
`GET /runtime/restore/next`, and restores that snapshot for each cold start, where the call
returns. Everything init made is then shared
by every environment restored from one snapshot: random seeds, unique ids, credentials,
connections to the outside. So, in this order (the bootstrap drives it):

1. `run_before_snapshot`: the `@app.before_snapshot` hooks, last registered first; a failure is
   an init error (posted to /init/error; the runtime exits 64, as awslambdaric does);
2. `preload`: what the first invocation would otherwise load in every restored environment
   (loguru and the sink, for its metrics line), so that it is in the snapshot instead;
3. `wait_for_restore`: restore/next, which returns in the restored environment;
4. `run_after_restore`: first what lambdaflow itself holds that must differ per environment
   (`random`'s seed), then the `@app.after_restore` hooks in registration order, then the Runtime
   API connection is replaced if it did not survive (checked last, so that it also covers the
   time the hooks took). A hook's failure is posted to /restore/error and the runtime exits 65
   (Lambda then discards the environment). What the loop reads from the environment
   (FunctionEnvironment) is read after all this, when the loop is built.

Imported only when SnapStart is on: a plain cold start does not pay for it.
"""

from __future__ import annotations

import sys

from ..errors import InitError, LambdaflowError
from ..framework.plan import Plan
from ..runtime_api.client import RuntimeClient
from .init import run_hooks

#: The error types and exit statuses of awslambdaric, Lambda's own Python runtime.
BEFORE_SNAPSHOT_ERROR = "Runtime.BeforeSnapshotError"
AFTER_RESTORE_ERROR = "Runtime.AfterRestoreError"
EXIT_BEFORE_SNAPSHOT_FAILED = 64
EXIT_AFTER_RESTORE_FAILED = 65


class AfterRestoreFailed(LambdaflowError):
    """An after_restore hook failed; posted to /runtime/restore/error."""

    error_type = AFTER_RESTORE_ERROR


def run_before_snapshot(plan: Plan) -> None:
    """Run the before_snapshot hooks (last registered first); a failure is an InitError."""
    run_hooks(plan.before_snapshot, "before_snapshot",
              lambda _exc, message: InitError(BEFORE_SNAPSHOT_ERROR, message))


def preload() -> None:
    """Load loguru and the sink into the snapshot: without this, the first invocation of each
    restored environment loads them for its metrics line (46 ms of CPU after the restore,
    `python -m bench cold-start`'s snap-start row)."""
    from ..observability import runtime_log

    runtime_log.load()


def wait_for_restore(client: RuntimeClient) -> None:
    """Ask for the restore; returns in the restored environment."""
    client.restore_next()


def run_after_restore(plan: Plan, client: RuntimeClient) -> None:
    """Make the restored process its own; a failing hook raises AfterRestoreFailed."""
    random = sys.modules.get("random")
    if random is not None:  # not imported: nothing was drawn from it before the snapshot
        random.seed()  # from os.urandom, which differs per restored environment
    run_hooks(plan.after_restore, "after_restore",
              lambda _exc, message: AfterRestoreFailed(message))
    client.reconnect_if_closed()
