"""The gap report: plain functions from unmet requests to counts, CSV and a bar chart."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from datetime import date
from html import escape

from pydantic import BaseModel, ConfigDict

from kette_core.contracts.matching import GapReason

GAP_DE: dict[GapReason, str] = {
    GapReason.NO_OFFER_FOR_MODULE: "kein Angebot für den Baustein",
    GapReason.NO_OFFER_IN_KOMMUNE: "kein Angebot in erreichbarer Nähe",
    GapReason.NO_FREE_PLACES: "keine freien Plätze",
    GapReason.LANGUAGE_LEVEL_MISMATCH: "Sprachniveau passt zu keinem Angebot",
    GapReason.NO_CHILDCARE: "keine Kinderbetreuung",
    GapReason.EMPLOYMENT_BAN: "Beschäftigungsverbot",
    GapReason.NO_START_IN_TIME: "kein Beginn in absehbarer Zeit",
}
"""How a coordinator reads each kind of gap."""


class UnmetNeed(BaseModel):
    """One request no offer met."""

    model_config = ConfigDict(frozen=True)

    requested_on: date
    kommune: str
    module: str
    gap_reasons: tuple[GapReason, ...]


class GapLine(BaseModel):
    """How often one kind of gap hit one module in one Kommune in one month."""

    model_config = ConfigDict(frozen=True)

    month: str
    kommune: str
    module: str
    gap_reason: GapReason
    requests: int

    @property
    def reason_de(self) -> str:
        """The reason in German."""
        return GAP_DE[self.gap_reason]


def gap_lines(needs: Iterable[UnmetNeed]) -> list[GapLine]:
    """Counts per month, Kommune, module and reason; most frequent first within a month."""
    counts: Counter[tuple[str, str, str, GapReason]] = Counter()
    for need in needs:
        month = need.requested_on.strftime("%Y-%m")
        for reason in need.gap_reasons:
            counts[(month, need.kommune, need.module, reason)] += 1
    lines = [
        GapLine(month=m, kommune=k, module=mod, gap_reason=r, requests=n)
        for (m, k, mod, r), n in counts.items()
    ]
    return sorted(lines, key=lambda g: (g.month, -g.requests, g.kommune, g.module, g.gap_reason))


def gaps_csv(lines: Iterable[GapLine]) -> str:
    """Semicolon-separated with German headers, as German spreadsheets open it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Monat", "Kommune", "Baustein", "Lücke", "Anfragen"])
    for line in lines:
        writer.writerow([line.month, line.kommune, line.module, line.reason_de, line.requests])
    return out.getvalue()


BAR_HEIGHT = 22
LABEL_WIDTH = 230
BAR_WIDTH = 360


def gaps_svg(lines: Iterable[GapLine], title: str) -> str:
    """A horizontal bar per Kommune and module (all reasons, all months), largest first."""
    totals: Counter[tuple[str, str]] = Counter()
    for line in lines:
        totals[(line.kommune, line.module)] += line.requests
    bars = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    most = max((n for _, n in bars), default=1)
    height = BAR_HEIGHT * (len(bars) + 2)
    width = LABEL_WIDTH + BAR_WIDTH + 60
    rows = []
    for index, ((kommune, module), count) in enumerate(bars, start=1):
        y = index * BAR_HEIGHT + 6
        length = max(round(BAR_WIDTH * count / most), 1)
        label = escape(f"{kommune}, {module}")
        rows.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{label}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length}" height="{BAR_HEIGHT - 6}" '
            f'fill="#1f5f8b"><title>{label}: {_requests(count)} ohne Angebot</title></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 15}">{count}</text>'
        )
    empty = "" if bars else f'<text x="10" y="{BAR_HEIGHT + 20}">Keine Lücken im Zeitraum.</text>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="t" font-family="sans-serif" font-size="13">'
        f'<title id="t">{escape(title)}</title>'
        f'<text x="10" y="16" font-weight="bold">{escape(title)}</text>'
        f"{''.join(rows)}{empty}</svg>"
    )


def _requests(count: int) -> str:
    """'1 Anfrage', '2 Anfragen'."""
    return "1 Anfrage" if count == 1 else f"{count} Anfragen"
