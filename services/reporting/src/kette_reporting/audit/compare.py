"""Two projection databases compared row by row: what `kette audit replay` prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa

from kette_core.db import create_engine
from kette_reporting.projection.tables import FACT_TABLES, consumed_offset, row_key, unreadable

COMPARED: tuple[sa.Table, ...] = (*FACT_TABLES, unreadable)
Side = Literal["only live", "only rebuilt", "differs"]


@dataclass(frozen=True)
class Difference:
    """One row that is not the same in both: its table, key, and the columns that differ."""

    table: str
    key: str
    side: Side
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """Row differences, and partitions where the live projection has read further."""

    differences: list[Difference]
    live_ahead: dict[str, int]


async def _rows(url: str, table: sa.Table) -> dict[tuple[Any, ...], dict[str, Any]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(sa.select(table))
            keys = row_key(table)
            rows = {}
            for row in result.mappings():
                rows[tuple(row[name] for name in keys)] = _normal(dict(row))
            return rows
    finally:
        await engine.dispose()


def _normal(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite hands back naive times where PostgreSQL keeps the zone: compare them as UTC."""
    for name, value in row.items():
        if isinstance(value, datetime) and value.tzinfo is not None:
            row[name] = value.astimezone(UTC).replace(tzinfo=None)
    return row


def diff_rows(
    table: str, live: dict[tuple[Any, ...], dict[str, Any]], rebuilt: dict[tuple[Any, ...], Any]
) -> list[Difference]:
    """Rows missing on either side, then rows whose columns differ, in key order."""
    found = []
    for key in sorted(live.keys() | rebuilt.keys(), key=repr):
        text = "/".join(str(part) for part in key)
        if key not in rebuilt:
            found.append(Difference(table, text, "only live"))
        elif key not in live:
            found.append(Difference(table, text, "only rebuilt"))
        elif live[key] != rebuilt[key]:
            columns = tuple(name for name in live[key] if live[key][name] != rebuilt[key].get(name))
            found.append(Difference(table, text, "differs", columns))
    return found


async def compare(
    live_url: str, rebuilt_url: str, progress: Callable[[int], None] = lambda _: None
) -> Comparison:
    """Every projection table of the two databases, and how far each read; `progress` is
    told of each table compared (a bar's total is len(COMPARED))."""
    differences: list[Difference] = []
    for table in COMPARED:
        live, rebuilt = await _rows(live_url, table), await _rows(rebuilt_url, table)
        differences += diff_rows(table.name, live, rebuilt)
        progress(1)
    live_offsets = await _rows(live_url, consumed_offset)
    rebuilt_offsets = await _rows(rebuilt_url, consumed_offset)
    ahead = {}
    for key, row in live_offsets.items():
        theirs = rebuilt_offsets.get(key, {}).get("next_offset", 0)
        if row["next_offset"] > theirs:
            ahead[f"{key[0]}/{key[1]}"] = row["next_offset"] - theirs
    return Comparison(differences, ahead)
