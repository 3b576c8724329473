"""The state report from the projection: read, compute, suppress, render."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Literal
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncEngine

from kette_reporting.figures.facts import Facts, load_facts
from kette_reporting.figures.joint import Family, protect_year
from kette_reporting.figures.period import Period
from kette_reporting.projection.apply import local_day
from kette_reporting.projection.store import Offsets, ProjectionStore
from kette_reporting.report.document import StateReport, build
from kette_reporting.report.position import KafkaPosition, position_of
from kette_reporting.report.printable import to_html, to_pdf
from kette_reporting.report.tabular import to_csv, to_xlsx

Format = Literal["csv", "xlsx", "html", "pdf"]
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
_FamilyKey = tuple[KafkaPosition, Period, date | None, int]
"""Where the projection stood, the year, the as-of day and the threshold."""
_RENDERERS: dict[str, Callable[[StateReport], bytes]] = {
    "csv": to_csv,
    "xlsx": to_xlsx,
    "html": to_html,
    "pdf": to_pdf,
}


def latest_day(facts: Facts) -> date | None:
    """The day of the newest event the facts hold: the report's Datenstand."""
    instants = [
        group[-1].at
        for group in (
            facts.registrations,
            facts.approaches,
            facts.milestones,
            facts.referrals,
            facts.reports,
            facts.gaps,
        )
        if group
    ]
    return local_day(max(instants)) if instants else None


def report_from_facts(
    facts: Facts,
    period: Period,
    *,
    as_of: date | None = None,
    kommune: str | None = None,
    threshold: int = 5,
    offsets: KafkaPosition = (),
) -> StateReport:
    """Pure: the suppressed report of already loaded facts, cut from the joint pattern of
    the KI and its Kommunen over the period's year, halves and quarters; a period off that
    grid raises ValueError."""
    family = protect_year(facts, period.grid()[0], threshold)
    return _cut(family, period, as_of, kommune, offsets)


def _cut(
    family: Family,
    period: Period,
    as_of: date | None,
    kommune: str | None,
    offsets: KafkaPosition,
) -> StateReport:
    stand = as_of if as_of is not None else latest_day(family.facts)
    figures, tables = family.report(period, kommune)
    return build(figures, tables, family.threshold, stand, offsets)


FAMILIES_KEPT = 8
"""Jointly protected years kept per engine (the newest used): the dashboard's two reports
of a page and repeated API calls on unchanged data compute the family once."""
_families: WeakKeyDictionary[AsyncEngine, OrderedDict[_FamilyKey, Family]] = WeakKeyDictionary()


async def state_report(
    engine: AsyncEngine,
    period: Period,
    *,
    as_of: date | None = None,
    kommune: str | None = None,
    threshold: int = 5,
) -> StateReport:
    """The report as the history stood at the end of `as_of` (Berlin), or as it is now;
    with the projection's offsets it was read at, so an auditor can rebuild it. The year's
    joint pattern is kept per engine, keyed by the offsets the facts stood at (every batch
    moves them): data that moved on is read and protected afresh, never served stale."""
    year = period.grid()[0]
    kept = _families.setdefault(engine, OrderedDict())
    position = position_of(await ProjectionStore(engine).offsets())
    family = kept.get((position, year, as_of, threshold)) if position else None
    if family is None:
        facts, offsets = await facts_at_offsets(engine, as_of)
        position = position_of(offsets)
        family = protect_year(facts, year, threshold)
        if position:  # no offsets (facts not consumed from Kafka): nothing to key them by
            kept[position, year, as_of, threshold] = family
            while len(kept) > FAMILIES_KEPT:
                kept.popitem(last=False)
    else:
        kept.move_to_end((position, year, as_of, threshold))
    return _cut(family, period, as_of, kommune, position)


async def facts_at_offsets(
    engine: AsyncEngine, as_of: date | None = None, attempts: int = 20
) -> tuple[Facts, Offsets]:
    """Facts and the offsets they stand at, read so that no batch committed in between:
    the offsets are read before and after the facts and must agree (every batch moves
    them), else the facts are read again."""
    store = ProjectionStore(engine)
    before = await store.offsets()
    for _ in range(attempts):
        facts = await load_facts(engine, as_of)
        after = await store.offsets()
        if after == before:
            return facts, after
        before = after
    raise RuntimeError(f"the projection moved during each of {attempts} reads; try again")


def render(report: StateReport, fmt: Format) -> bytes:
    """The report as CSV, XLSX, HTML or PDF bytes."""
    return _RENDERERS[fmt](report)


async def report_bytes(
    engine: AsyncEngine,
    period: Period,
    fmt: Format,
    *,
    as_of: date | None = None,
    kommune: str | None = None,
    threshold: int = 5,
) -> bytes:
    """`state_report` and `render` in one call, for the CLI."""
    report = await state_report(engine, period, as_of=as_of, kommune=kommune, threshold=threshold)
    return render(report, fmt)
