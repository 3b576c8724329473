"""The state report and its figures over HTTP; thin: parse, call the service, return."""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from sqlalchemy.ext.asyncio import AsyncEngine

from kette_reporting.api.queries import parse_query
from kette_reporting.auth.bearer import REFUSALS, ReadsFigures
from kette_reporting.auth.scope import kommune_for, whole_ki
from kette_reporting.figures.suppression import Shown
from kette_reporting.projection.tables import unreadable
from kette_reporting.report.service import MEDIA_TYPES, render, state_report

PERIOD = Query(description="YYYY, YYYY-H1 or YYYY-Q1 (reports cover a year, half or quarter)")
KOMMUNE = Query(default=None, description="Only people registered in this Kommune.")
AS_OF = Query(default=None, description="The history as it stood at the end of this day.")


def report_router(engine: AsyncEngine, threshold: int) -> APIRouter:
    """`/reports/state` (a file) and `/figures` (JSON), both small-cell suppressed; every
    route needs a figures reader's token, and a scoped coordinator sees her Kommunen only."""
    router = APIRouter(tags=["reports"], responses=REFUSALS)

    @router.get(
        "/reports/state",
        responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}},
    )
    async def state(
        claims: ReadsFigures,
        period: str = PERIOD,
        format: Literal["csv", "xlsx", "html", "pdf"] = "csv",
        kommune: str | None = KOMMUNE,
        as_of: str | None = AS_OF,
    ) -> Response:
        """The state report as a file; the same history always gives the same bytes."""
        query = parse_query(period, kommune, as_of)
        chosen = kommune_for(claims, query.kommune)
        report = await state_report(
            engine, query.period, as_of=query.as_of, kommune=chosen, threshold=threshold
        )
        name = f"sachbericht-{query.period.code}{'-' + chosen if chosen else ''}"
        return Response(
            render(report, format),
            media_type=MEDIA_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="{_ascii(name)}.{format}"'},
        )

    @router.get("/figures")
    async def figures(
        claims: ReadsFigures,
        period: str = PERIOD,
        kommune: str | None = KOMMUNE,
        as_of: str | None = AS_OF,
    ) -> dict[str, Any]:
        """Every table of the report as JSON; hidden cells are null."""
        query = parse_query(period, kommune, as_of)
        chosen = kommune_for(claims, query.kommune)
        report = await state_report(
            engine, query.period, as_of=query.as_of, kommune=chosen, threshold=threshold
        )
        return {
            "period": report.period_code,
            "kommune": report.kommune,
            "data_as_of": report.data_as_of,
            "threshold": report.threshold,
            "unreadable_records": report.unreadable,
            "dead_letters": report.dead_letters,
            "tables": [_table_json(table) for table in report.tables],
        }

    @router.get("/unreadable")
    async def unreadable_records(
        claims: ReadsFigures, limit: int = Query(default=100, ge=1, le=1000)
    ) -> list[Any]:
        """Records the projection kept but could not read (unknown type, newer version,
        invalid), oldest first, with the reason; never their content. Whole KI only."""
        whole_ki(claims)
        query = sa.select(unreadable).order_by(
            unreadable.c.topic, unreadable.c.partition, unreadable.c.offset
        )
        async with engine.connect() as connection:
            rows = (await connection.execute(query.limit(limit))).mappings().all()
        return [dict(row) for row in rows]

    return router


def _table_json(table: Shown) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": table.title,
        "row_header": table.row_header,
        "columns": list(table.cols),
        "rows": [
            {"label": row, "values": [table.value(row, col) for col in table.cols]}
            for row in table.rows
        ],
    }


def _ascii(name: str) -> str:
    """A file name any browser accepts: umlauts spelt out, other characters dropped."""
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("Ä", "Ae"),
                          ("Ö", "Oe"), ("Ü", "Ue")):  # fmt: skip
        name = name.replace(umlaut, plain)
    return "".join(ch for ch in name if ch.isalnum() or ch in "-_.")
