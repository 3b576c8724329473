"""The benchmark registry: a module in `bench/` registers its benchmarks, the runner finds them.

A new benchmark is one new module, e.g. `bench/temporal_chain.py`:

    @benchmark("temporal-transitions", "chain transitions vs a bare one-activity workflow",
               needs=("kafka", "temporal"))
    async def transitions(ctx: BenchContext, events: int) -> list[Comparison]: ...

`python -m bench` imports every module of the package whose name does not start with `_`,
so nothing else has to change.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from kette_devstack.kafka_admin import KafkaConnection

Advance = Callable[[int], None]
NewTopic = Callable[[str, int], Awaitable[str]]
Step = Callable[[str, int], Advance]
RunFunction = Callable[["BenchContext", int], Awaitable[list["Comparison"]]]


def _no_progress(_description: str, _total: int) -> Advance:
    return lambda _n: None


@dataclass(frozen=True)
class BenchContext:
    """What a benchmark may use: the stack's addresses, private topics, a progress display."""

    kafka: KafkaConnection
    new_topic: NewTopic
    """`await new_topic(hint, partitions)`: a fresh topic, deleted when the run ends."""
    round: int = 0
    """Index of the repetition; benchmarks alternate which side goes first by it."""
    temporal_address: str | None = None
    step: Step = field(default=_no_progress)
    """`advance = step("publish · ours", total)`, then `advance(n)` as work gets done."""


@dataclass(frozen=True)
class Measurement:
    """One side of a comparison: what ran, how many events it handled, and the figure."""

    label: str
    count: int
    value: float


@dataclass(frozen=True)
class Comparison:
    """Our path against the bare baseline, measured in the same run on the same broker."""

    name: str
    unit: str
    ours: Measurement
    raw: Measurement
    higher_is_better: bool = True

    @property
    def ratio(self) -> float:
        """ours / raw; below 1 means ours is slower for a rate, faster for a latency."""
        return self.ours.value / self.raw.value if self.raw.value else float("nan")


@dataclass(frozen=True)
class Benchmark:
    """A named measurement; `run` does one repetition with `events` timed events per side."""

    name: str
    summary: str
    run: RunFunction
    needs: tuple[str, ...] = ("kafka",)
    events: int | None = None
    """Its own N when `--events` is not given (`replay`: a topic of a million events)."""
    samples: Callable[[int], int] = int
    """How many samples each side takes for `--events N`: N itself unless the benchmark
    scales it down (a latency sample costs a whole hop)."""


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(
    name: str,
    summary: str,
    *,
    needs: tuple[str, ...] = ("kafka",),
    events: int | None = None,
    samples: Callable[[int], int] = int,
) -> Callable[[RunFunction], RunFunction]:
    """Register a benchmark function under a unique name."""

    def register(run: RunFunction) -> RunFunction:
        if name in BENCHMARKS:
            raise ValueError(f"benchmark {name!r} is registered twice")
        BENCHMARKS[name] = Benchmark(
            name=name, summary=summary, run=run, needs=needs, events=events, samples=samples
        )
        return run

    return register


def discover() -> dict[str, Benchmark]:
    """Import every public module of the `bench` package, so each registers itself."""
    import bench

    for module in pkgutil.iter_modules(bench.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"bench.{module.name}")
    return dict(BENCHMARKS)
