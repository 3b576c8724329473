"""The projection read back as plain values, as of a date: the figures' only input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from kette_reporting.projection import tables
from kette_reporting.projection.apply import BERLIN


@dataclass(frozen=True)
class Fact:
    """One projection row; `values` holds the table's own columns."""

    ce_id: str
    participant_id: str | None
    at: datetime
    day: date
    values: dict[str, Any] = field(compare=False)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


@dataclass(frozen=True)
class Facts:
    """Every fact up to the as-of instant, per table, sorted by (at, ce_id)."""

    registrations: tuple[Fact, ...] = ()
    approaches: tuple[Fact, ...] = ()
    milestones: tuple[Fact, ...] = ()
    referrals: tuple[Fact, ...] = ()
    reports: tuple[Fact, ...] = ()
    gaps: tuple[Fact, ...] = ()
    unreadable: int = 0
    dead_letters: int = 0


_CHUNK = 5000
"""Rows fetched from the database at a time: the driver never holds a whole table's rows
beside the facts made of them."""


def end_of(day: date) -> datetime:
    """The last instant of a Berlin calendar day, in UTC (as the projection stores `at`)."""
    midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=BERLIN)
    return (midnight - timedelta(microseconds=1)).astimezone(UTC)


async def load_facts(engine: AsyncEngine, as_of: date | None = None) -> Facts:
    """Read the projection; with `as_of`, only events whose time lies up to its end."""
    limit = end_of(as_of) if as_of is not None else None
    async with engine.connect() as connection:

        async def read(table: sa.Table) -> tuple[Fact, ...]:
            query = sa.select(table)
            if limit is not None:
                query = query.where(table.c.at <= limit)
            streamed = await connection.stream(query.execution_options(yield_per=_CHUNK))
            facts: list[Fact] = []
            async for chunk in streamed.mappings().partitions():
                facts.extend(facts_of(chunk, ordered=False))
            facts.sort(key=_order)
            return tuple(facts)

        registrations = await read(tables.registration)
        approaches = await read(tables.approach)
        milestones = await read(tables.milestone)
        referrals = await read(tables.referral)
        reports = await read(tables.referral_report)
        gaps = await read(tables.gap)
        dead = await read(tables.dead_letter)
        unreadable = (
            await connection.execute(sa.select(sa.func.count()).select_from(tables.unreadable))
        ).scalar_one()
    return Facts(
        registrations, approaches, milestones, referrals, reports, gaps, int(unreadable), len(dead)
    )


def facts_from_rows(rows: dict[str, list[dict[str, Any]]]) -> Facts:
    """Facts straight from prepared rows, de-duplicated by ce_id as the database would."""

    def of(name: str) -> tuple[Fact, ...]:
        unique = {values["ce_id"]: values for values in reversed(rows.get(name, []))}
        return facts_of(unique.values())

    unreadable = {(r["topic"], r["partition"], r["offset"]) for r in rows.get("unreadable", [])}
    return Facts(
        of("registration"),
        of("approach"),
        of("milestone"),
        of("referral"),
        of("referral_report"),
        of("gap"),
        len(unreadable),
        len(of("dead_letter")),
    )


def facts_of(rows: Any, *, ordered: bool = True) -> tuple[Fact, ...]:
    """Rows as facts, in (at, ce_id) order so every later fold is deterministic."""
    facts = []
    for row in rows:
        values = dict(row)
        at = values.pop("at")
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at  # SQLite: naive UTC
        facts.append(
            Fact(values.pop("ce_id"), values.pop("participant_id"), at, values.pop("day"), values)
        )
    if ordered:
        facts.sort(key=_order)
    return tuple(facts)


def _order(fact: Fact) -> tuple[datetime, str]:
    return fact.at, fact.ce_id


async def latest_event_day(engine: AsyncEngine) -> date | None:
    """The Berlin day of the newest event projected, or None before the first."""
    newest: datetime | None = None
    async with engine.connect() as connection:
        for table in (tables.registration, tables.milestone, tables.referral_report):
            found = (await connection.execute(sa.select(sa.func.max(table.c.at)))).scalar()
            if found is not None:
                found = found.replace(tzinfo=UTC) if found.tzinfo is None else found
                newest = found if newest is None else max(newest, found)
    return newest.astimezone(BERLIN).date() if newest is not None else None
