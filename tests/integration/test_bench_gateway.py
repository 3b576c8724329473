"""The gateway's benchmarks on the real broker with a handful of referrals and reports: counts
only, never timings."""

from collections.abc import Awaitable, Callable

import pytest

from bench import provider_gateway
from bench.registry import BenchContext, discover
from kette_devstack.kafka_admin import KafkaConnection

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]


def bench_context(bootstrap: str, new_topic: NewTopic, round_: int) -> BenchContext:
    return BenchContext(kafka=KafkaConnection(bootstrap), new_topic=new_topic, round=round_)


def test_gateway_benchmarks_register_and_map_events_to_referrals_and_reports() -> None:
    registry = discover()

    for name in ("gateway-latency", "gateway-reports"):
        assert registry[name].needs == ("kafka",)
    assert provider_gateway.referrals_for(20_000) == 160
    assert provider_gateway.reports_for(20_000) == 200
    assert provider_gateway.referrals_for(1) == provider_gateway.reports_for(1) == 1


@pytest.mark.parametrize("round_", [0, 1], ids=["ours-first", "raw-first"])
async def test_every_referral_gets_a_latency_sample_on_both_sides(
    kafka_bootstrap: str, new_topic: NewTopic, round_: int
) -> None:
    ctx = bench_context(kafka_bootstrap, new_topic, round_)
    events = 3 * provider_gateway.REFERRALS_PER_EVENT_ARG

    comparisons = await provider_gateway.latency(ctx, events)

    assert [c.name for c in comparisons] == ["p50", "p99"]
    for comparison in comparisons:
        assert (comparison.ours.count, comparison.raw.count) == (3, 3)
        assert comparison.unit == "ms"
        assert not comparison.higher_is_better


async def test_every_report_is_answered_and_published_and_the_bare_side_writes_as_many(
    kafka_bootstrap: str, new_topic: NewTopic
) -> None:
    ctx = bench_context(kafka_bootstrap, new_topic, 0)
    events = 3 * provider_gateway.REPORTS_PER_EVENT_ARG

    answered, published = await provider_gateway.reports(ctx, events)

    assert [answered.name, published.name] == ["reports answered", "reports to event"]
    for comparison in (answered, published):
        assert (comparison.ours.count, comparison.raw.count) == (3, 3)
        assert comparison.unit == "reports/s"
        assert comparison.higher_is_better
    assert published.ours.value <= answered.ours.value  # an event leaves after its answer
