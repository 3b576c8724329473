"""Replaying the same records gives the same figures, however partitions interleave."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench._reporting_cohort import FakeRecord, as_records, cohort_events
from kette_reporting.figures.compute import compute
from kette_reporting.figures.facts import facts_from_rows
from kette_reporting.figures.period import Period
from kette_reporting.figures.suppression import Shown, protect
from kette_reporting.projection.projector import prepare

pytestmark = pytest.mark.unit
PERIOD = Period.parse("2025")


@cache
def partitions() -> tuple[tuple[FakeRecord, ...], ...]:
    """The cohort's records as queues, one per topic partition."""
    queues: dict[tuple[str, int], list[FakeRecord]] = defaultdict(list)
    for record in as_records(cohort_events(60, seed=3)):
        queues[record.topic, record.partition].append(record)
    return tuple(tuple(queue) for _, queue in sorted(queues.items()))


def figures_of(records: list[FakeRecord], batch: int) -> list[Shown]:
    rows: dict[str, list[dict[str, object]]] = defaultdict(list)
    for start in range(0, len(records), batch):
        for table, values in prepare(records[start : start + batch]).rows.items():
            rows[table].extend(values)
    figures = compute(facts_from_rows(dict(rows)), PERIOD)
    return [protect(table, 5) for table in figures.tables]


@cache
def in_topic_order() -> list[Shown]:
    return figures_of([record for queue in partitions() for record in queue], batch=500)


@settings(max_examples=30, deadline=None)
@given(st.data(), st.integers(1, 700))
def test_any_interleaving_of_partitions_and_any_batch_size_give_the_same_figures(
    data: st.DataObject, batch: int
) -> None:
    queues = [list(queue) for queue in partitions()]
    merged: list[FakeRecord] = []
    while any(queues):
        live = [queue for queue in queues if queue]
        queue = live[data.draw(st.integers(0, len(live) - 1))]
        take = data.draw(st.integers(1, 50))
        merged.extend(queue[:take])
        del queue[:take]
    redelivered = data.draw(st.integers(0, len(merged) - 1))
    merged[redelivered:redelivered] = merged[max(0, redelivered - 30) : redelivered]

    assert figures_of(merged, batch) == in_topic_order()


def test_the_cohort_fills_the_figures_it_is_compared_on() -> None:
    funnel = in_topic_order()[0]

    assert funnel.value("Aufgenommen", "Personen") == 60
