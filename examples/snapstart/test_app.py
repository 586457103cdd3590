"""The SnapStart example in process: its hooks, then an invocation (`pytest examples/snapstart`).

The in-process client runs cold_start only; the snapshot hooks are called here in the order the
runtime runs them (the runtime's own SnapStart path is tested in tests/runtime/test_snapstart.py).
"""

from examples.snapstart.app import Priced, app, environment
from lambdaflow.testing import LambdaTestClient


def test_a_restored_environment_gets_its_own_id_and_prices():
    with LambdaTestClient(app) as client:
        plan = app.plan()
        for hook in (*plan.before_snapshot, *plan.after_restore):
            hook()
        first_id = environment["id"]
        assert first_id
        for hook in plan.after_restore:  # a second environment restored from the snapshot
            hook()
        assert environment["id"] != first_id
        result = client.invoke({"currency": "USD", "amount": 10})
        assert isinstance(result.value, Priced)
        assert result.value.amount_eur == 9.2
        assert result.value.environment_id == environment["id"]
        assert client.invoke({"currency": "XXX", "amount": 1}).error.type == "ValueError"
