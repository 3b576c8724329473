"""`/dashboard`: funnel, stage durations, provider results and gaps, by period and Kommune."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from kette_reporting.api.queries import BadQuery, parse_query
from kette_reporting.auth.scope import Refusal, kommune_for, scoped_kommunen
from kette_reporting.dashboard.access import PageRefused, ViewsDashboard
from kette_reporting.dashboard.pages import render
from kette_reporting.figures.facts import latest_event_day
from kette_reporting.report.charts import charts, svg
from kette_reporting.report.document import cell_text
from kette_reporting.report.service import state_report

SECTIONS = ("funnel", "stage", "stage_durations", "providers", "provider_rates", "gaps")


def dashboard_router(engine: AsyncEngine, threshold: int) -> APIRouter:
    """One page; the filter is a plain GET form, so every view has a link of its own."""
    router = APIRouter(tags=["dashboard"])

    @router.get("/dashboard", response_class=HTMLResponse)
    async def dashboard(
        request: Request,
        claims: ViewsDashboard,
        zeitraum: str | None = Query(default=None, description="Period, e.g. 2025 or 2025-Q2."),
        kommune: str | None = Query(default=None, description="Only this Kommune."),
    ) -> HTMLResponse:
        """The figures of a period (default: the year of the newest event), in her scope."""
        scope = scoped_kommunen(claims)
        session = request.state.dashboard_session
        frame = {"signed_in": True, "csrf": session.csrf, "who": claims.actor_id, "scoped": scope}
        if not zeitraum:
            newest = await latest_event_day(engine)
            zeitraum = str(newest.year) if newest else "2025"
        try:
            query = parse_query(zeitraum, kommune, None)
        except BadQuery as bad:
            page = render(
                "dashboard.html.j2",
                error=bad.message_de,
                zeitraum=zeitraum,
                kommune=kommune or "",
                kommunen=scope,
                report=None,
                **frame,
            )
            return HTMLResponse(page, status_code=422)
        try:
            chosen = kommune_for(claims, query.kommune or (scope[0] if scope else None))
        except Refusal as refusal:
            raise PageRefused(refusal) from None
        report = await state_report(engine, query.period, kommune=chosen, threshold=threshold)
        if scope:
            listed = list(scope)
        else:
            every = await state_report(engine, query.period, threshold=threshold)
            listed = [row for row in every.table("kommune").rows if row != "Summe"]
        page = render(
            "dashboard.html.j2",
            error=None,
            zeitraum=zeitraum,
            kommune=chosen or "",
            kommunen=listed,
            report=report,
            tables=[report.table(key) for key in SECTIONS],
            charts=[svg(chart) for chart in charts(report)],
            cell=cell_text,
            **frame,
        )
        return HTMLResponse(page)

    return router
