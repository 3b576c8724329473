"""The gap report for coordinators: JSON, CSV and an SVG chart over a period."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts.matching import GapReason
from kette_matching.gaps.report import GapLine, UnmetNeed, gap_lines, gaps_csv, gaps_svg
from kette_matching.gaps.tables import GapRow


def gaps_router(sessions: async_sessionmaker[AsyncSession]) -> APIRouter:
    """/gaps, /gaps.csv, /gaps.svg, each with `since` and `until` (inclusive)."""
    router = APIRouter(tags=["gaps"])

    async def lines(since: date | None, until: date | None, kommune: str | None) -> list[GapLine]:
        statement = select(GapRow)
        if since is not None:
            statement = statement.where(col(GapRow.requested_on) >= since)
        if until is not None:
            statement = statement.where(col(GapRow.requested_on) <= until)
        if kommune is not None:
            statement = statement.where(GapRow.kommune == kommune)
        async with sessions() as session:
            rows = (await session.exec(statement)).all()
        return gap_lines(
            UnmetNeed(
                requested_on=row.requested_on,
                kommune=row.kommune,
                module=row.module,
                gap_reasons=tuple(GapReason(reason) for reason in row.gap_reasons),
            )
            for row in rows
        )

    @router.get("/gaps")
    async def gaps(
        since: date | None = None, until: date | None = None, kommune: str | None = None
    ) -> list[GapLine]:
        """Unmet requests per month, Kommune, module and kind of gap."""
        return await lines(since, until, kommune)

    @router.get("/gaps.csv", response_class=Response)
    async def gaps_as_csv(
        since: date | None = None, until: date | None = None, kommune: str | None = None
    ) -> Response:
        """The same as CSV for a spreadsheet."""
        body = gaps_csv(await lines(since, until, kommune))
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="angebotsluecken.csv"'},
        )

    @router.get("/gaps.svg", response_class=Response)
    async def gaps_as_chart(
        since: date | None = None, until: date | None = None, kommune: str | None = None
    ) -> Response:
        """A bar chart per Kommune and module."""
        period = f"{since or 'Beginn'} bis {until or 'heute'}"
        title = f"Angebotslücken {period}" + (f", {kommune}" if kommune else "")
        return Response(
            gaps_svg(await lines(since, until, kommune), title), media_type="image/svg+xml"
        )

    return router
