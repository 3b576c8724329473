"""`python -m bench`: run the registered benchmarks against the local stack, print a table.

Every figure compares our path with a bare baseline measured in the same run, on the same
broker, on fresh private topics; the table shows the median of `--repeat` repetitions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import statistics
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.bar import Bar
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from bench.registry import Advance, BenchContext, Benchmark, Comparison, discover
from kette_core.logging import configure_logging
from kette_core.settings import KetteSettings
from kette_devstack import kafka_admin
from kette_devstack.kafka_admin import KafkaConnection, TopicSpec
from kette_devstack.settings import StackSettings
from kette_devstack.stack import Stack

DEFAULT_EVENTS = 20_000
VERSIONS = ("faststream", "aiokafka", "cloudevents", "pydantic")
console = Console(highlight=False)
if not console.is_terminal:  # a log file or CI: room for the table instead of 80 columns
    console = Console(highlight=False, width=150)


@dataclass(frozen=True)
class Summary:
    """One comparison over all repetitions: the medians, and every run for the record."""

    benchmark: str
    runs: list[Comparison]

    @property
    def first(self) -> Comparison:
        return self.runs[0]

    def median(self, side: Callable[[Comparison], float]) -> float:
        return statistics.median(side(run) for run in self.runs)

    @property
    def ours(self) -> float:
        return self.median(lambda c: c.ours.value)

    @property
    def raw(self) -> float:
        return self.median(lambda c: c.raw.value)

    @property
    def ratio(self) -> float:
        """Ratio of the medians, so the three columns of the table agree."""
        return self.ours / self.raw if self.raw else float("nan")

    def counts(self) -> str:
        counts = sorted(
            {run.ours.count for run in self.runs} | {run.raw.count for run in self.runs}
        )
        return str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"

    def as_json(self) -> dict[str, Any]:
        def side(name: str, median: float, pick: Callable[[Comparison], Any]) -> dict[str, Any]:
            return {
                "label": getattr(self.first, name).label,
                "median": _significant(median),
                "runs": [_significant(pick(run).value) for run in self.runs],
                "counts": [pick(run).count for run in self.runs],
            }

        return {
            "benchmark": self.benchmark,
            "measure": self.first.name,
            "unit": self.first.unit,
            "higher_is_better": self.first.higher_is_better,
            "ours": side("ours", self.ours, lambda c: c.ours),
            "raw": side("raw", self.raw, lambda c: c.raw),
            "ratio": _significant(self.ratio),
        }


def _significant(value: float, digits: int = 4) -> float:
    """Round to significant digits: a fixed number of decimals turns a fast p50 into 0.0."""
    return float(f"{value:.{digits}g}")


class Topics:
    """Private topics for one repetition, all deleted when it ends."""

    def __init__(self, kafka: KafkaConnection) -> None:
        self._kafka = kafka
        self._created: list[str] = []

    async def new(self, hint: str, partitions: int) -> str:
        name = f"bench.{hint}-{uuid.uuid4().hex[:10]}"
        await kafka_admin.ensure_topics(self._kafka, [TopicSpec(name, partitions, {})])
        self._created.append(name)
        return name

    async def delete_all(self) -> None:
        if self._created:
            await kafka_admin.delete_topics(self._kafka, self._created)
            self._created.clear()


class Display:
    """Two progress bars: repetitions of the benchmark, and the step running now."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._step: TaskID | None = None

    def step(self, description: str, total: int) -> Advance:
        if self._step is not None:
            self._progress.remove_task(self._step)
        task = self._progress.add_task(f"  {description}", total=total)
        self._step = task
        return lambda n: self._progress.advance(task, n)


async def run_benchmarks(
    benchmarks: Sequence[Benchmark], events: int | None, repeat: int, stack: Stack
) -> list[Summary]:
    """Each benchmark `repeat` times, at `events` or else its own N; bars show where time goes."""
    kafka = stack.kafka.connection()
    temporal = stack.temporal.address if stack.temporal.is_running() else None
    summaries: list[Summary] = []
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        display = Display(progress)
        for bench in benchmarks:
            overall = progress.add_task(f"[bold]{bench.name}", total=repeat)
            runs: list[list[Comparison]] = []
            for round_ in range(repeat):
                topics = Topics(kafka)
                ctx = BenchContext(
                    kafka=kafka,
                    new_topic=topics.new,
                    round=round_,
                    temporal_address=temporal,
                    step=display.step,
                )
                try:
                    runs.append(await bench.run(ctx, events or bench.events or DEFAULT_EVENTS))
                finally:
                    await topics.delete_all()
                progress.advance(overall)
            progress.remove_task(overall)
            for index in range(len(runs[0])):
                summaries.append(Summary(bench.name, [run[index] for run in runs]))
    return summaries


BAR_WIDTH = 20


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"


def results_table(summaries: Sequence[Summary], events: int, repeat: int) -> Table:
    """Medians per comparison; what `ours` and `raw` are goes into the caption."""
    legend = "\n".join(
        f"{s.benchmark}: ours = {s.first.ours.label}, raw = {s.first.raw.label}" for s in summaries
    )
    machine = f"{os.cpu_count()} CPUs, Python {platform.python_version()}, " + ", ".join(
        f"{name} {metadata.version(name)}" for name in VERSIONS
    )
    table = Table(
        title=f"Kette vs bare clients: median of {repeat} (--events {events:,} unless a row says)",
        caption=f"{legend}\n{machine}",
        caption_justify="left",
    )
    table.add_column("benchmark")
    table.add_column("unit")
    for header in ("ours", "raw", "ours / raw", "events per side"):
        table.add_column(header, justify="right")
    table.add_column("our speed, share of raw's", min_width=BAR_WIDTH + 6)
    per_benchmark = Counter(summary.benchmark for summary in summaries)
    for summary in summaries:
        first = summary.first
        table.add_row(
            summary.benchmark
            if per_benchmark[summary.benchmark] == 1
            else f"{summary.benchmark} {first.name}",
            first.unit,
            _number(summary.ours),
            _number(summary.raw),
            f"{summary.ratio:.2f}" if summary.ratio >= 0.1 else f"{summary.ratio:.2g}",
            summary.counts(),
            speed_bar(summary),
        )
    return table


def speed_bar(summary: Summary) -> Table:
    """The ratio as a bar: how much of the raw baseline's speed our path keeps."""
    share = summary.ratio if summary.first.higher_is_better else 1 / summary.ratio
    share = min(max(share, 0.0), 1.0) if share == share else 0.0  # NaN: no bar
    cell = Table.grid(padding=(0, 1))
    cell.add_row(Bar(1.0, 0.0, share, width=BAR_WIDTH, color="green"), f"{share:4.0%}")
    return cell


def write_json(path: Path, summaries: Sequence[Summary], events: int, repeat: int) -> None:
    report = {
        "command": "python -m bench " + shlex.join(sys.argv[1:]),
        "events": events,
        "repeat": repeat,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "versions": {name: metadata.version(name) for name in VERSIONS},
        "results": [summary.as_json() for summary in summaries],
    }
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def _parser(names: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--events",
        type=int,
        metavar="N",
        help=f"timed events per side (default {DEFAULT_EVENTS:,}; replay: its own million)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=names,
        metavar="NAME",
        help="run only this benchmark (repeatable): " + ", ".join(names),
    )
    parser.add_argument("--repeat", type=int, default=3, metavar="K", help="repetitions")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    registry = discover()
    args = _parser(sorted(registry)).parse_args(argv)
    if args.list:
        for bench in registry.values():
            console.print(f"{bench.name:<20} {bench.summary}  (needs {', '.join(bench.needs)})")
        return 0
    if (args.events is not None and args.events < 1) or args.repeat < 1:
        console.print("[red]error:[/] --events and --repeat must be at least 1")
        return 2
    chosen = [registry[name] for name in (args.only or registry)]
    stack = Stack.from_settings(StackSettings())
    needed = {part for bench in chosen for part in bench.needs}
    missing = [part.name for part in stack.parts(tuple(needed)) if not part.is_running()]
    if missing:
        console.print(f"[red]error:[/] not running: {', '.join(missing)}")
        console.print("fix:   make up   (or .venv/bin/kette-stack up)")
        return 1
    # As a service's composition root does; WARNING keeps FastStream's start-up lines quiet.
    configure_logging(KetteSettings(service="bench", log_level="WARNING"))
    summaries = asyncio.run(run_benchmarks(chosen, args.events, args.repeat, stack))
    events = args.events or DEFAULT_EVENTS
    console.print(results_table(summaries, events, args.repeat))
    if args.json:
        write_json(args.json, summaries, events, args.repeat)
        console.print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
