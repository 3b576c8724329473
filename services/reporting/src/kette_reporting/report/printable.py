"""The printable state report: HTML with inline SVG charts, and the same as PDF."""

from __future__ import annotations

import io
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from reportlab.graphics.shapes import Drawing, Rect, String  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import getSampleStyleSheet  # type: ignore[import-untyped]
from reportlab.lib.units import cm  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # type: ignore[import-untyped]

from kette_reporting.report.charts import COLOURS, Chart, charts, svg
from kette_reporting.report.document import StateReport, cell_text

_TEMPLATES = Environment(
    loader=PackageLoader("kette_reporting.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def to_html(report: StateReport) -> bytes:
    """A self-contained page (no scripts, no external files) that prints well."""
    template = _TEMPLATES.get_template("report.html.j2")
    page = template.render(
        report=report, charts=[svg(chart) for chart in charts(report)], cell=cell_text
    )
    return page.encode("utf-8")


def to_pdf(report: StateReport) -> bytes:
    """A4 PDF with the same charts and tables; `invariant` keeps dates and ids out."""
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=report.title,
        author="Kette reporting",
        invariant=1,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
    )
    styles = getSampleStyleSheet()
    story: list[Flowable] = [
        Paragraph(report.title, styles["Title"]),
        Paragraph(f"{report.stand} · Zeitraum {report.period_label}", styles["Normal"]),
        Paragraph(report.legend, styles["Normal"]),
        Spacer(1, 0.4 * cm),
    ]
    if report.kafka_stand:
        story.insert(2, Paragraph(report.kafka_stand, styles["Normal"]))
    for chart in charts(report):
        story += [_drawing(chart), Spacer(1, 0.4 * cm)]
    for index, table in enumerate(report.tables, start=1):
        story.append(Paragraph(f"{index}. {table.title}", styles["Heading4"]))
        data: list[list[Any]] = [[table.row_header, *table.cols]]
        data += [[row, *(cell_text(table.value(row, c)) for c in table.cols)] for row in table.rows]
        grid = Table(data, repeatRows=1, hAlign="LEFT")
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ]
            )
        )
        story += [grid, Spacer(1, 0.3 * cm)]
    document.build(story)
    return out.getvalue()


def _drawing(chart: Chart, width: float = 17 * cm) -> Drawing:
    """The chart as reportlab shapes: the same bars the SVG draws."""
    label_w, bar_h, gap = 150.0, 10.0, 4.0
    per_bar = bar_h * max(1, len(chart.series)) + gap
    height = 24 + per_bar * max(1, len(chart.bars))
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, chart.title, fontName="Helvetica-Bold", fontSize=10))
    scale = (width - label_w - 40) / chart.largest
    y = height - 24
    for label, values in chart.bars:
        y -= per_bar
        drawing.add(String(label_w - 6, y + 2, label, fontSize=7, textAnchor="end"))
        for index, value in enumerate(values):
            top = y + (len(values) - 1 - index) * bar_h
            if value is None:
                drawing.add(String(label_w, top + 2, "gesperrt", fontSize=7))
                continue
            colour = colors.HexColor(COLOURS[index % len(COLOURS)])
            length = value * scale
            drawing.add(Rect(label_w, top, length, bar_h - 2, fillColor=colour, strokeColor=None))
            drawing.add(String(label_w + length + 3, top + 2, str(value), fontSize=7))
    return drawing
