"""A rebuild from Kafka read by worker processes, each reading its share of the partitions.

Decoding, validating and turning events into rows cost CPU, and one Python process uses
one core. So a rebuild splits the partitions into shares of about equal record counts;
one worker process per share reads its partitions from offset 0 up to the end offsets the
parent fixed at the start, and writes rows and offsets batch by batch through its own
connection to the same database (SQLite lets one writer in at a time, and a batch's write
is short; PostgreSQL takes them side by side). Facts are keyed by ce_id, so the order
between partitions never mattered.

The workers are forked: they start in milliseconds instead of importing for seconds, and
take their job (Kafka options included) without pickling. A child touches nothing of the
parent's: it runs its own event loop, Kafka client and database engine. A worker that
fails fails the rebuild, and the others are stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

from aiokafka import AIOKafkaConsumer

from kette_reporting.projection.projector import Tally
from kette_reporting.projection.store import Offsets

Progress = Callable[[int], None]
"""Called with the number of records just written (for a rich progress bar)."""
MAX_WORKERS = 8
_POLL_SECONDS = 0.2
_YOUNG_OBJECTS = 50_000
"""Allocations between young-generation collections during a replay (Python's default: 700)."""


@dataclass(frozen=True)
class Share:
    """One worker's job: the partitions it reads, each up to (not including) its end."""

    ends: Offsets
    records: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "records", sum(self.ends.values()))


def default_workers() -> int:
    """One worker per core the process may use, at most MAX_WORKERS."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, cores or 1))


def share_out(ends: Mapping[tuple[str, int], int], workers: int) -> list[Share]:
    """Non-empty partitions in at most `workers` shares: the largest partition first, each
    to the share with the fewest records so far."""
    shares: list[dict[tuple[str, int], int]] = [{} for _ in range(max(1, workers))]
    sizes = [0] * len(shares)
    for key, end in sorted(ends.items(), key=lambda item: (-item[1], item[0])):
        if end <= 0:
            continue
        lightest = sizes.index(min(sizes))
        shares[lightest][key] = end
        sizes[lightest] += end
    return [Share(dict(sorted(share.items()))) for share in shares if share]


async def end_offsets(
    client_options: Mapping[str, Any], topics: Sequence[str], until: Offsets | None
) -> Offsets:
    """Where each partition of `topics` ends today, or at `until`'s offset if that is
    earlier (a partition `until` does not name is not read)."""
    consumer = AIOKafkaConsumer(*topics, enable_auto_commit=False, **client_options)
    await consumer.start()  # group-less: it is assigned every partition of the topics
    try:
        partitions = sorted(consumer.assignment())
        ends = await consumer.end_offsets(partitions) if partitions else {}
    finally:
        await consumer.stop()
    found = {(tp.topic, tp.partition): end for tp, end in ends.items()}
    if until is not None:
        found = {key: min(end, until.get(key, 0)) for key, end in found.items()}
    return found


async def read_shares(
    shares: Sequence[Share],
    read: Callable[[Share, Progress], Any],
    progress: Progress,
) -> Tally:
    """Run `read(share, progress)` (a coroutine function) for every share: in this process
    if there is one, else in one forked worker process per share; the summed tally."""
    if len(shares) <= 1:
        with _fewer_collections():
            tallies = [await read(share, progress) for share in shares]
        return _sum(tallies)
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    workers = [
        context.Process(
            target=_work, args=(read, share, messages), name=f"kette-replay-{n}", daemon=True
        )
        for n, share in enumerate(shares)
    ]
    for worker in workers:
        worker.start()
    try:
        return await _collect(workers, messages, progress)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        messages.close()


def _work(read: Callable[[Share, Progress], Any], share: Share, messages: Any) -> None:
    """A worker's life: read its share, say how far it got as it goes, then its tally."""
    try:
        with _fewer_collections():
            tally = asyncio.run(read(share, lambda count: messages.put(("read", count))))
    except BaseException as error:  # the parent names it and stops the others
        messages.put(("failed", f"{type(error).__name__}: {error}"))
        raise SystemExit(1) from None
    messages.put(("done", tally))


async def _collect(workers: Sequence[BaseProcess], messages: Any, progress: Progress) -> Tally:
    """Progress and tallies from the workers until each has reported; the first failure
    (or a worker that died without a word) raises."""
    tallies: list[Tally] = []
    silent = 0
    while len(tallies) < len(workers):
        try:
            kind, value = await asyncio.to_thread(messages.get, True, _POLL_SECONDS)
        except queue.Empty:
            silent += 1
            _check_alive(workers, silent)
            continue
        silent = 0
        if kind == "read":
            progress(value)
        elif kind == "done":
            tallies.append(value)
        else:
            raise RuntimeError(f"a replay worker failed: {value}")
    return _sum(tallies)


def _check_alive(workers: Sequence[BaseProcess], silent_polls: int) -> None:
    """A worker that died (killed, out of memory) cannot report; nor can ended ones that
    stayed silent for a second poll (their last words would have arrived by then)."""
    for worker in workers:
        if worker.exitcode not in (None, 0):
            raise RuntimeError(f"replay worker {worker.name} died (exit code {worker.exitcode})")
    if silent_polls > 1 and all(worker.exitcode == 0 for worker in workers):
        raise RuntimeError("replay workers ended without reporting their tallies")


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """A replay makes millions of short-lived objects and keeps few: collect the young ones
    less often (a tenth less CPU per event), and never scan what lived before (in a worker,
    the parent's heap)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_YOUNG_OBJECTS, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _sum(tallies: Sequence[Tally]) -> Tally:
    return Tally(
        events=sum(tally.events for tally in tallies),
        unreadable=sum(tally.unreadable for tally in tallies),
    )
