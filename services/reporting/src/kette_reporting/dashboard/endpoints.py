"""`/dashboard`: funnel, stage durations, provider results and gaps, by period and Kommune."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncEngine

from kette_reporting.api.queries import BadQuery, parse_query
from kette_reporting.figures.facts import latest_event_day
from kette_reporting.report.charts import charts, svg
from kette_reporting.report.document import cell_text
from kette_reporting.report.service import state_report

_PAGES = Environment(
    loader=PackageLoader("kette_reporting.dashboard", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
SECTIONS = ("funnel", "stage", "stage_durations", "providers", "provider_rates", "gaps")


def dashboard_router(engine: AsyncEngine, threshold: int) -> APIRouter:
    """One page; the filter is a plain GET form, so every view has a link of its own."""
    router = APIRouter(tags=["dashboard"])

    @router.get("/dashboard", response_class=HTMLResponse)
    async def dashboard(
        request: Request,
        zeitraum: str | None = Query(default=None, description="Period, e.g. 2025 or 2025-Q2."),
        kommune: str | None = Query(default=None, description="Only this Kommune."),
    ) -> HTMLResponse:
        """The figures of a period (default: the year of the newest event)."""
        if not zeitraum:
            newest = await latest_event_day(engine)
            zeitraum = str(newest.year) if newest else "2025"
        try:
            query = parse_query(zeitraum, kommune, None)
        except BadQuery as bad:
            page = _PAGES.get_template("dashboard.html.j2").render(
                error=bad.message_de, zeitraum=zeitraum, kommune=kommune or "", report=None
            )
            return HTMLResponse(page, status_code=422)
        report = await state_report(
            engine, query.period, kommune=query.kommune, threshold=threshold
        )
        every = await state_report(engine, query.period, threshold=threshold)
        page = _PAGES.get_template("dashboard.html.j2").render(
            error=None,
            zeitraum=zeitraum,
            kommune=query.kommune or "",
            kommunen=[row for row in every.table("kommune").rows if row != "Summe"],
            report=report,
            tables=[report.table(key) for key in SECTIONS],
            charts=[svg(chart) for chart in charts(report)],
            cell=cell_text,
        )
        return HTMLResponse(page)

    return router
