"""Bar charts of the report as plain data, drawn as inline SVG (HTML) or reportlab (PDF).

Three charts: the funnel of the Integrationskette, transitions per month, and gaps by
Kommune. Their values come from the suppressed tables, so a chart reveals nothing a table
hides: a hidden value draws no bar and says „gesperrt".
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from kette_reporting.figures.suppression import TOTAL, Shown
from kette_reporting.report.document import StateReport

COLOURS = ("#1f5f8b", "#c8553d")
"""Two series colours with enough contrast on white (WCAG AA for large graphics)."""


@dataclass(frozen=True)
class Chart:
    """Bars per label; one value per series, None where the table hides it."""

    key: str
    title: str
    series: tuple[str, ...]
    bars: tuple[tuple[str, tuple[int | None, ...]], ...]

    @property
    def largest(self) -> int:
        return max([v for _, values in self.bars for v in values if v is not None] or [1]) or 1


def charts(report: StateReport) -> tuple[Chart, ...]:
    """The report's three charts."""
    funnel = report.table("funnel")
    months = report.table("transitions_by_month")
    gaps = report.table("gaps")
    return (
        _from(funnel, "Verlauf der Integrationskette", ("Personen",), rows=funnel.rows),
        _from(
            months,
            "Übergänge in Ausbildung und Arbeit je Monat",
            ("in Ausbildung", "in Arbeit"),
            rows=tuple(r for r in months.rows if r != TOTAL),
        ),
        _from(
            gaps,
            "Angebotslücken nach Kommune",
            (TOTAL,) if TOTAL in gaps.cols else (),
            rows=tuple(r for r in gaps.rows if r != TOTAL),
        ),
    )


def _from(table: Shown, title: str, series: tuple[str, ...], rows: tuple[str, ...]) -> Chart:
    bars = tuple((row, tuple(_count(table.value(row, col)) for col in series)) for row in rows)
    return Chart(table.key, title, series, bars)


def _count(value: int | float | None) -> int | None:
    return None if value is None else int(value)


def svg(chart: Chart, width: int = 640) -> str:
    """Horizontal bars with labels and values; `role=img` and a title for screen readers."""
    label_w, bar_h, gap = 190, 16, 6
    per_bar = bar_h * max(1, len(chart.series)) + gap
    height = 30 + per_bar * max(1, len(chart.bars)) + (20 if len(chart.series) > 1 else 0)
    scale = (width - label_w - 70) / chart.largest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="c-{chart.key}">',
        f'<title id="c-{chart.key}">{escape(chart.title)}</title>',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(chart.title)}</text>',
    ]
    y = 30
    for label, values in chart.bars:
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 4}" font-size="12" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        for index, value in enumerate(values):
            top = y + index * bar_h
            if value is None:
                parts.append(
                    f'<text x="{label_w}" y="{top + bar_h - 4}" font-size="12" '
                    'font-style="italic">gesperrt</text>'
                )
                continue
            length = round(value * scale, 1)
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                f'<rect x="{label_w}" y="{top}" width="{length}" height="{bar_h - 2}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{label_w + length + 4}" y="{top + bar_h - 4}" '
                f'font-size="12">{value}</text>'
            )
        y += per_bar
    if len(chart.series) > 1:
        for index, name in enumerate(chart.series):
            x = label_w + index * 140
            parts.append(
                f'<rect x="{x}" y="{y + 4}" width="12" height="12" '
                f'fill="{COLOURS[index % len(COLOURS)]}"/>'
            )
            parts.append(f'<text x="{x + 16}" y="{y + 14}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
