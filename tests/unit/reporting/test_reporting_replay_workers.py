"""Sharing partitions among replay workers, and what the parent does when one fails."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kette_reporting.projection.projector import Tally
from kette_reporting.projection.workers import Progress, Share, read_shares, share_out

partition_ends = st.dictionaries(
    st.tuples(st.sampled_from(["chain", "access", "participants"]), st.integers(0, 5)),
    st.integers(0, 10_000),
    max_size=18,
)


@settings(deadline=None)  # no per-example time limit: CI's two cores are shared
@given(partition_ends, st.integers(1, 8))
def test_every_non_empty_partition_lands_in_exactly_one_share(
    ends: dict[tuple[str, int], int], workers: int
) -> None:
    shares = share_out(ends, workers)

    assert len(shares) <= workers
    assert all(share.ends for share in shares)
    shared = [key for share in shares for key in share.ends]
    assert sorted(shared) == sorted(key for key, end in ends.items() if end > 0)
    assert {key: end for share in shares for key, end in share.ends.items()} == {
        key: end for key, end in ends.items() if end > 0
    }


def test_shares_are_balanced_by_record_count_not_by_partition_count() -> None:
    ends = {("chain", 0): 900, ("chain", 1): 500, ("access", 0): 400, ("access", 1): 100}

    shares = share_out(ends, 2)

    assert sorted(share.records for share in shares) == [900, 1000]


def test_no_records_means_no_workers() -> None:
    assert share_out({("chain", 0): 0}, 4) == []


async def test_each_share_is_read_in_its_own_process_and_the_tallies_add_up(
    tmp_path: Path,
) -> None:
    shares = share_out({("a", 0): 30, ("b", 0): 20, ("c", 0): 10}, 3)

    async def read(share: Share, progress: Progress) -> Tally:
        (tmp_path / f"{os.getpid()}.pid").write_text(str(share.records))
        for _ in range(share.records // 10):
            progress(10)
        return Tally(events=share.records, unreadable=1)

    seen: list[int] = []
    tally = await read_shares(shares, read, seen.append)

    assert tally == Tally(events=60, unreadable=3)
    assert sum(seen) == 60
    pids = pids_in(tmp_path)
    assert len(pids) == 3 and os.getpid() not in pids


def wait_for(path: Path) -> None:
    """In a worker process: block until another process has written `path`."""
    while not path.exists():
        time.sleep(0.01)


def pids_in(directory: Path) -> set[int]:
    return {int(path.stem) for path in directory.glob("*.pid")}


async def test_a_single_share_is_read_in_this_process(tmp_path: Path) -> None:
    async def read(share: Share, progress: Progress) -> Tally:
        progress(share.records)
        return Tally(events=os.getpid())

    tally = await read_shares(share_out({("a", 0): 5}, 4), read, lambda _: None)

    assert tally.events == os.getpid()


async def test_a_failing_worker_fails_the_rebuild_and_the_others_are_stopped(
    tmp_path: Path,
) -> None:
    shares = share_out({("a", 0): 2, ("b", 0): 1}, 2)

    slow = tmp_path / "slow.pid"

    async def read(share: Share, progress: Progress) -> Tally:
        if share.records == 1:
            wait_for(slow)  # fail once the other worker is surely busy
            raise ValueError("payload field stage: not a stage")
        slow.write_text(str(os.getpid()))
        await asyncio.sleep(600)
        return Tally()

    with pytest.raises(RuntimeError, match="ValueError: payload field stage: not a stage"):
        await read_shares(shares, read, lambda _: None)

    with pytest.raises(ProcessLookupError):  # stopped and reaped, not left running
        os.kill(int(slow.read_text()), 0)


async def test_a_worker_that_dies_without_a_word_fails_the_rebuild() -> None:
    shares = share_out({("a", 0): 2, ("b", 0): 1}, 2)

    async def read(share: Share, progress: Progress) -> Tally:
        if share.records == 1:
            os._exit(9)  # as if killed: no exception, no message
        return Tally(events=share.records)

    with pytest.raises(RuntimeError, match=r"died \(exit code 9\)"):
        await read_shares(shares, read, lambda _: None)
