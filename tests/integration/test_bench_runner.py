"""The benchmark runner on the real broker, with a handful of events: counts, never timings."""

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bench.__main__ import run_benchmarks, write_json
from bench.registry import BenchContext, Benchmark, discover
from kette_devstack.kafka import KafkaNode
from kette_devstack.kafka_admin import KafkaConnection
from kette_devstack.stack import Stack

pytestmark = pytest.mark.integration
NewTopic = Callable[..., Awaitable[str]]
EVENTS = 30
KAFKA_ONLY = [bench for bench in discover().values() if set(bench.needs) == {"kafka"}]


def test_benchmark_modules_register_themselves_when_discovered() -> None:
    names = set(discover())

    assert {"kafka-publish", "kafka-consume"} <= names


@pytest.mark.parametrize("bench", KAFKA_ONLY, ids=lambda bench: bench.name)
async def test_each_kafka_benchmark_takes_all_its_samples_on_both_sides(
    bench: Benchmark, kafka_bootstrap: str, new_topic: NewTopic
) -> None:
    ctx = BenchContext(kafka=KafkaConnection(kafka_bootstrap), new_topic=new_topic)

    comparisons = await bench.run(ctx, EVENTS)

    assert comparisons
    for comparison in comparisons:
        expected = bench.samples(EVENTS)
        assert (comparison.ours.count, comparison.raw.count) == (expected, expected)
        assert comparison.ours.value > 0
        assert comparison.raw.value > 0


async def test_runner_repeats_each_benchmark_and_writes_every_run_to_json(
    devstack: Stack, kafka_node: KafkaNode, tmp_path: Path
) -> None:
    summaries = await run_benchmarks(KAFKA_ONLY, events=20, repeat=2, stack=devstack)
    write_json(tmp_path / "figures.json", summaries, events=20, repeat=2)

    report = json.loads((tmp_path / "figures.json").read_text())
    assert {result["benchmark"] for result in report["results"]} == {b.name for b in KAFKA_ONLY}
    samples = {bench.name: bench.samples(20) for bench in KAFKA_ONLY}
    for result in report["results"]:
        for side in (result["ours"], result["raw"]):
            assert side["counts"] == [samples[result["benchmark"]]] * 2
            assert side["median"] > 0
            assert all(value > 0 for value in side["runs"])
        assert result["ratio"] > 0
