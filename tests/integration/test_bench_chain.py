"""The chain benchmarks on the real broker and Temporal, with a handful of signals: counts only."""

from collections.abc import Awaitable, Callable

import pytest

from bench import chain_latency, chain_transitions
from bench.registry import BenchContext, discover
from kette_devstack.kafka_admin import KafkaConnection

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]
TRANSITION_EVENTS = 6 * chain_transitions.SIGNALS_PER_EVENT_ARG
LATENCY_EVENTS = 4 * chain_latency.SAMPLES_PER_EVENT_ARG


def bench_context(bootstrap: str, new_topic: NewTopic, temporal: str, round_: int) -> BenchContext:
    return BenchContext(
        kafka=KafkaConnection(bootstrap),
        new_topic=new_topic,
        round=round_,
        temporal_address=temporal,
    )


def test_chain_benchmarks_register_as_needing_kafka_and_temporal() -> None:
    registry = discover()

    for name in ("chain-transitions", "chain-latency"):
        assert set(registry[name].needs) == {"kafka", "temporal"}


def test_runner_events_map_to_a_few_hundred_signals_and_reports_at_the_default() -> None:
    assert chain_transitions.signals_for(20_000) == 400
    assert chain_transitions.chains_for(400) == 20
    assert chain_latency.samples_for(20_000) == 160
    assert chain_latency.chains_for(160) == 10
    assert chain_transitions.signals_for(1) == chain_latency.samples_for(1) == 1


@pytest.mark.parametrize("round_", [0, 1], ids=["ours-first", "raw-first"])
async def test_every_signal_yields_its_event_on_both_sides(
    kafka_bootstrap: str, new_topic: NewTopic, temporal_address: str, round_: int
) -> None:
    ctx = bench_context(kafka_bootstrap, new_topic, temporal_address, round_)
    signals = chain_transitions.signals_for(TRANSITION_EVENTS)

    (comparison,) = await chain_transitions.transitions(ctx, TRANSITION_EVENTS)

    assert signals == 6
    assert (comparison.ours.count, comparison.raw.count) == (signals, signals)
    assert comparison.unit == "transitions/s"
    assert comparison.higher_is_better


async def test_every_report_gets_a_latency_sample_on_both_sides(
    kafka_bootstrap: str, new_topic: NewTopic, temporal_address: str
) -> None:
    ctx = bench_context(kafka_bootstrap, new_topic, temporal_address, 0)
    samples = chain_latency.samples_for(LATENCY_EVENTS)

    comparisons = await chain_latency.latency(ctx, LATENCY_EVENTS)

    assert samples == 4
    assert [c.name for c in comparisons] == ["p50", "p99"]
    for comparison in comparisons:
        assert (comparison.ours.count, comparison.raw.count) == (samples, samples)
        assert comparison.unit == "ms"
        assert not comparison.higher_is_better
