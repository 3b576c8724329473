"""Intake's benchmarks on the real broker and Temporal with a handful of requests: counts only."""

from collections.abc import Awaitable, Callable

import pytest

from bench import intake_api
from bench.registry import BenchContext, discover
from kette_devstack.kafka_admin import KafkaConnection

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


def bench_context(bootstrap: str, new_topic: NewTopic, temporal: str, round_: int) -> BenchContext:
    return BenchContext(
        kafka=KafkaConnection(bootstrap),
        new_topic=new_topic,
        round=round_,
        temporal_address=temporal,
    )


def test_intake_benchmarks_register_and_map_events_to_requests() -> None:
    registry = discover()

    for name in ("intake-registrations", "intake-decisions"):
        assert set(registry[name].needs) == {"kafka", "temporal"}
    assert intake_api.registrations_for(20_000) == 200
    assert intake_api.decisions_for(20_000) == 160
    assert intake_api.decision_chains_for(160) == 10
    assert intake_api.registrations_for(1) == intake_api.decisions_for(1) == 1


async def test_every_registration_starts_its_chain_and_the_bare_side_writes_as_many_rows(
    kafka_bootstrap: str, new_topic: NewTopic, temporal_address: str
) -> None:
    ctx = bench_context(kafka_bootstrap, new_topic, temporal_address, 0)
    events = 3 * intake_api.REGISTRATIONS_PER_EVENT_ARG

    answered, started = await intake_api.registrations(ctx, events)

    assert [answered.name, started.name] == [
        "registrations answered",
        "registrations to chain start",
    ]
    for comparison in (answered, started):
        assert (comparison.ours.count, comparison.raw.count) == (3, 3)
        assert comparison.unit == "registrations/s"
        assert comparison.higher_is_better
    assert started.ours.value <= answered.ours.value  # a chain starts after its answer


@pytest.mark.parametrize("round_", [0, 1], ids=["ours-first", "raw-first"])
async def test_every_decision_gets_a_latency_sample_on_both_sides(
    kafka_bootstrap: str, new_topic: NewTopic, temporal_address: str, round_: int
) -> None:
    ctx = bench_context(kafka_bootstrap, new_topic, temporal_address, round_)
    events = 3 * intake_api.DECISIONS_PER_EVENT_ARG

    comparisons = await intake_api.decisions(ctx, events)

    assert [c.name for c in comparisons] == ["decision p50", "decision p99"]
    for comparison in comparisons:
        assert (comparison.ours.count, comparison.raw.count) == (3, 3)
        assert comparison.unit == "ms"
        assert not comparison.higher_is_better
