"""One invocation's metrics never reach another's record: in sequence, and overlapping as asyncio
tasks on one loop (the concurrency issue's async mode)."""

from __future__ import annotations

import asyncio
import random
import threading

import pytest

from lambdaflow import metrics
from lambdaflow.metrics import MetricsError
from lambdaflow.observability import emf

from .conftest import Emit
from .emf_schema import problems

RECORD = emf.EmfRecord("Shop", "fn")


def test_nothing_carries_into_the_next_invocation(emit: Emit) -> None:
    metrics.begin()
    metrics.add("orders", 5)
    metrics.add_dimension("channel", "web")
    metrics.add_metadata("order_id", "o-1")
    _, first = emit(RECORD.fields(metrics.take(), cold_start=True))
    metrics.begin()
    _, second = emit(RECORD.fields(metrics.take(), cold_start=False))
    assert first["orders"] == 5
    assert not {"orders", "channel", "order_id"} & second.keys()
    assert len(second["_aws"]["CloudWatchMetrics"]) == 2, "only the phase directives"


async def _invocation(index: int, emit: Emit, rng: random.Random) -> dict:
    metrics.begin()

    async def helper() -> None:  # a task the handler starts shares its invocation's metrics
        await asyncio.sleep(rng.random() / 1000)
        metrics.add("helper_calls", index)

    helper_task = asyncio.create_task(helper())
    for step in range(3):
        metrics.add("orders", index * 10 + step)
        await asyncio.sleep(rng.random() / 1000)
    metrics.add_dimension("tenant", f"t{index}")
    await helper_task
    await asyncio.sleep(rng.random() / 1000)
    _, record = emit(RECORD.fields(metrics.take(), cold_start=False))
    return record


def test_overlapping_tasks_each_flush_only_their_own(emit: Emit) -> None:
    rng = random.Random(16)

    async def main() -> list[dict]:
        return await asyncio.gather(*(_invocation(i, emit, rng) for i in range(40)))

    records = asyncio.run(main())
    for index, record in enumerate(records):
        assert record["orders"] == [index * 10, index * 10 + 1, index * 10 + 2]
        assert record["helper_calls"] == index
        assert record["tenant"] == f"t{index}"
        assert problems(record) == []


def test_a_thread_without_the_context_is_refused_and_to_thread_is_not() -> None:
    async def handler() -> metrics.Collector | None:
        metrics.begin()
        errors: list[Exception] = []

        def in_thread() -> None:
            try:
                metrics.add("from_thread", 1)
            except MetricsError as exc:
                errors.append(exc)

        thread = threading.Thread(target=in_thread)
        thread.start()
        thread.join()
        assert len(errors) == 1 and "only while an invocation runs" in str(errors[0])
        await asyncio.to_thread(metrics.add, "via_to_thread", 1)
        return metrics.take()

    collector = asyncio.run(handler())
    assert collector is not None and collector.root_members() == {"via_to_thread": 1}


def test_a_task_outliving_its_invocation_cannot_write_into_the_next() -> None:
    async def main() -> None:
        metrics.begin()
        gate = asyncio.Event()

        async def straggler() -> None:
            await gate.wait()
            metrics.add("late", 1)

        task = asyncio.create_task(straggler())
        metrics.take()
        current = metrics.begin()  # the next invocation, in this task
        gate.set()
        with pytest.raises(MetricsError, match="already written"):
            await task
        assert current.root_members() == {}
        metrics.take()

    asyncio.run(main())


def _worker_invocation(index: int) -> dict:
    """One invocation in a forked worker, as the concurrency issue's sync mode serves it."""
    metrics.begin()
    metrics.add("orders", index)
    return RECORD.fields(metrics.take(), cold_start=False)


def test_forked_workers_flush_only_their_own_invocations() -> None:
    import multiprocessing

    metrics.begin()  # the parent forks in the middle of an invocation of its own
    metrics.add("parent_only", 1)
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            results = pool.map(_worker_invocation, range(6))
    finally:
        metrics.take()
    for index, fields in enumerate(results):
        assert fields["orders"] == index and "parent_only" not in fields
