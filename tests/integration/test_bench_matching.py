"""The matching benchmarks with small N: both sides count every request, joint never loses."""

from collections.abc import Awaitable, Callable

import pytest

from bench import matching
from bench.registry import BENCHMARKS, BenchContext
from kette_devstack.kafka_admin import KafkaConnection

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


def test_allocation_needs_nothing_running_and_the_consumer_needs_kafka() -> None:
    registry = BENCHMARKS  # filled by importing bench.matching; discover() would import all

    assert registry["matching-allocation"].needs == ()
    assert registry["matching-consumer"].needs == ("kafka",)


@pytest.mark.parametrize("round_", [0, 1], ids=["joint-first", "greedy-first"])
async def test_allocation_compares_seconds_score_and_people_on_the_same_problem(
    kafka_bootstrap: str, new_topic: NewTopic, round_: int
) -> None:
    ctx = BenchContext(kafka=KafkaConnection(kafka_bootstrap), new_topic=new_topic, round=round_)

    seconds, score, people = await matching.allocation(ctx, 500)

    assert [c.name for c in (seconds, score, people)] == ["seconds", "total score", "people placed"]
    assert not seconds.higher_is_better and score.higher_is_better
    assert seconds.ours.count == seconds.raw.count == 500
    assert score.ours.value >= score.raw.value > 0
    assert 0 < people.raw.value <= 500 and 0 < people.ours.value <= 500


async def test_the_consumer_side_answers_every_request_and_the_bare_side_reads_them(
    kafka_bootstrap: str, new_topic: NewTopic
) -> None:
    ctx = BenchContext(kafka=KafkaConnection(kafka_bootstrap), new_topic=new_topic)

    (comparison,) = await matching.consumer(ctx, 40)

    assert (comparison.ours.count, comparison.raw.count) == (40, 40)
    assert comparison.unit == "answers/s"
    assert comparison.ours.value > 0 and comparison.raw.value > 0
