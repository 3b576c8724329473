"""The state report from the projection: read, compute, suppress, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncEngine

from kette_reporting.figures.facts import Facts, load_facts
from kette_reporting.figures.joint import protect_report
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
    stand = as_of if as_of is not None else latest_day(facts)
    figures, tables = protect_report(facts, period, kommune, threshold)
    return build(figures, tables, threshold, stand, offsets)


async def state_report(
    engine: AsyncEngine,
    period: Period,
    *,
    as_of: date | None = None,
    kommune: str | None = None,
    threshold: int = 5,
) -> StateReport:
    """The report as the history stood at the end of `as_of` (Berlin), or as it is now;
    with the projection's offsets it was read at, so an auditor can rebuild it."""
    facts, offsets = await facts_at_offsets(engine, as_of)
    return report_from_facts(
        facts,
        period,
        as_of=as_of,
        kommune=kommune,
        threshold=threshold,
        offsets=position_of(offsets),
    )


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
