"""The reporting benchmarks run end to end on the real broker, tiny, and report a ratio."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bench.registry import BenchContext
from bench.reporting import reporting_replay, reporting_state_report
from kette_devstack.kafka import KafkaNode

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


@pytest.fixture
async def ctx(kafka_node: KafkaNode, new_topic: NewTopic) -> AsyncIterator[BenchContext]:
    async def topic(hint: str, partitions: int) -> str:
        return await new_topic(hint, partitions=partitions)

    yield BenchContext(kafka=kafka_node.connection(), new_topic=topic)


async def test_the_replay_benchmark_reads_every_record_on_both_sides(ctx: BenchContext) -> None:
    [comparison] = await reporting_replay(ctx, 3000)

    assert (comparison.ours.count, comparison.raw.count) == (3000, 3000)
    assert comparison.ratio > 0  # a figure, never a time asserted: the machine is shared


async def test_the_state_report_benchmark_times_a_small_kreis_year(ctx: BenchContext) -> None:
    [comparison] = await reporting_state_report(ctx, 60)

    assert (comparison.ours.count, comparison.raw.count) == (60, 60)
    assert comparison.ours.value > 0 and comparison.raw.value > 0
