"""Pure: the report's figures from the facts, for a period and optionally one Kommune.

Definitions (per participant unless said otherwise):
- entry: registration day in the period; exit: the chain's closing day in the period;
  current: registered by the period's end and not closed by then.
- per module: a referral of that module the provider reported `enrolled` (entry), then
  completed, dropped out or withdrawn (exit); per stage: the stage started, then completed
  or skipped (exit), or still open at the period's end (current).
- German level now: the latest level any event stated up to the period's end.
- transition into apprenticeship / work: the first stage completed into it, job started,
  or chain closed with it, dated in the period; sustained work: follow-ups in the period.
State at the period's end is folded from facts sorted by (time, ce_id), so the order in
which partitions were consumed does not matter.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from kette_reporting.figures.facts import Fact, Facts
from kette_reporting.figures.labels import codes, label
from kette_reporting.figures.period import Period
from kette_reporting.figures.suppression import TOTAL, Link
from kette_reporting.figures.tables import CountTable, MeasureTable, Table

MODULES = ("F1", "F2", "F3", "F4", "F5", "F6")
_ENTRANT_TABLES = (
    "age_band",
    "gender",
    "residence_status",
    "language_at_entry",
    "language_now",
    "status_at_entry",
)
STAGES = ("language", "school", "apprenticeship", "job")
FLOW = ("Eintritte", "Austritte", "Teilnehmende am Periodenende")
LINKS: tuple[Link, ...] = (
    frozenset(  # the period's entrants
        {("funnel", "Aufgenommen", "Personen"), ("kommune", TOTAL, FLOW[0])}
        | {(key, TOTAL, "Eintritte") for key in _ENTRANT_TABLES}
    ),
    frozenset({("kommune", TOTAL, FLOW[1]), ("exit_reasons", TOTAL, "Austritte")}),
    *(
        frozenset({("transitions", into, "Personen"), ("transitions_by_month", TOTAL, into)})
        for into in ("in Ausbildung", "in Arbeit")
    ),
)
"""Figures published in more than one table; `compute` keeps each group equal."""


@dataclass(frozen=True)
class Figures:
    """Every table of the report, in the report's order, and what the facts could not say."""

    period: Period
    kommune: str | None
    tables: tuple[Table, ...]
    kommunen: tuple[str, ...]
    unreadable: int
    dead_letters: int
    links: tuple[Link, ...] = ()
    """Cells of different tables that publish one figure (suppressed together)."""

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


def _first(facts: Iterable[Fact]) -> dict[str, Fact]:
    """The earliest fact per participant (facts come sorted)."""
    first: dict[str, Fact] = {}
    for fact in facts:
        if fact.participant_id is not None:
            first.setdefault(fact.participant_id, fact)
    return first


def shares(facts: Facts) -> dict[str, Facts]:
    """Per Kommune, the facts `compute` can read for it (its people's, its approaches and
    gaps; registrations stay whole): one pass, so a family's Kommune reports each scan
    their own share instead of every fact."""
    home = {pid: f["kommune"] for pid, f in _first(facts.registrations).items()}
    names = set(home.values()) | {f["kommune"] for f in (*facts.approaches, *facts.gaps)}
    split: dict[str, dict[str, list[Fact]]] = {name: defaultdict(list) for name in names}
    for group in ("milestones", "referrals"):
        for fact in getattr(facts, group):
            if fact.participant_id in home:
                split[home[fact.participant_id]][group].append(fact)
    referral_home = {
        f["referral_id"]: home[f.participant_id]
        for f in facts.referrals
        if f.participant_id in home
    }
    for fact in facts.reports:
        for name in {home.get(fact.participant_id or ""), referral_home.get(fact["referral_id"])}:
            if name is not None:
                split[name]["reports"].append(fact)
    for group in ("approaches", "gaps"):
        for fact in getattr(facts, group):
            split[fact["kommune"]][group].append(fact)
    return {
        name: replace(
            facts,
            approaches=tuple(groups["approaches"]),
            milestones=tuple(groups["milestones"]),
            referrals=tuple(groups["referrals"]),
            reports=tuple(groups["reports"]),
            gaps=tuple(groups["gaps"]),
        )
        for name, groups in split.items()
    }


def compute(
    facts: Facts, period: Period, kommune: str | None = None, share: Facts | None = None
) -> Figures:
    """All figures; with `kommune`, only people registered (approached, gapped) there;
    `share`: the Kommune's part of the facts (`shares`), the same figures sooner."""
    end = period.end
    registered = {pid: f for pid, f in _first(facts.registrations).items() if f.day <= end}
    kommunen = tuple(sorted({f["kommune"] for f in registered.values()}))
    if kommune is not None:
        registered = {pid: f for pid, f in registered.items() if f["kommune"] == kommune}
        if share is not None:
            facts = replace(share, registrations=facts.registrations)
    people = set(registered)
    milestones = [m for m in facts.milestones if m.participant_id in people and m.day <= end]
    closed = _first(m for m in milestones if m["kind"] == "chain_closed")
    firsts, spans = _transition_firsts(milestones), _stage_spans(milestones)
    tables: list[Table] = [
        _funnel(facts, period, kommune, registered, milestones, firsts),
        _by_kommune(period, registered, closed),
        _by_module(facts, period, people),
        _by_stage(period, spans, closed),
        *_characteristics(period, registered, milestones),
        _status_at_entry(period, registered),
        _not_enrolled(facts, period, kommune),
        _transitions(period, milestones, firsts),
        _transitions_by_month(period, firsts),
        _stage_durations(period, spans),
        _dropouts(facts, period, people),
        _exit_reasons(period, closed),
        *_providers(facts, period, people),
        _gaps(facts, period, kommune),
    ]
    return Figures(
        period, kommune, tuple(tables), kommunen, facts.unreadable, facts.dead_letters, LINKS
    )


def _in(day: date, period: Period) -> bool:
    return period.start <= day <= period.end


def _funnel(
    facts: Facts,
    period: Period,
    kommune: str | None,
    registered: dict[str, Fact],
    milestones: list[Fact],
    firsts: Firsts,
) -> CountTable:
    people = set(registered)
    approached = {
        a.participant_id
        for a in facts.approaches
        if _in(a.day, period) and (kommune is None or a["kommune"] == kommune)
    }
    referred = {
        r.participant_id
        for r in facts.referrals
        if r.participant_id in people and _in(r.day, period)
    }
    enrolled = {
        r.participant_id
        for r in facts.reports
        if r["kind"] == "enrolled" and r.participant_id in people and _in(r.day, period)
    }
    completed = {
        m.participant_id
        for m in milestones
        if m["kind"] == "stage_completed" and _in(m.day, period)
    }
    moved_on = {pid for pid, _ in _transition_days(firsts, period)}
    steps = (
        ("Angesprochen", approached),
        ("Aufgenommen", {pid for pid, f in registered.items() if _in(f.day, period)}),
        ("Zugewiesen", referred),
        ("Maßnahme begonnen", enrolled),
        ("Etappe abgeschlossen", completed),
        ("Übergang Ausbildung/Arbeit", moved_on),
    )
    cells = {(name, "Personen"): len(group) for name, group in steps}
    return CountTable(
        "funnel",
        "Verlauf der Integrationskette",
        "Schritt",
        tuple(name for name, _ in steps),
        ("Personen",),
        cells,
    )


def _flow_cells(
    period: Period, spans: Iterable[tuple[str, str, date, date | None]]
) -> dict[tuple[str, str], int]:
    """(row, person, from, to) spans counted as entries, exits and current at the end."""
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row, pid, began, ended in spans:
        if _in(began, period):
            seen[row, FLOW[0]].add(pid)
        if ended is not None and _in(ended, period):
            seen[row, FLOW[1]].add(pid)
        if began <= period.end and (ended is None or ended > period.end):
            seen[row, FLOW[2]].add(pid)
    return {cell: len(pids) for cell, pids in seen.items()}


def _by_kommune(period: Period, registered: dict[str, Fact], closed: dict[str, Fact]) -> CountTable:
    spans = [
        (f["kommune"], pid, f.day, closed[pid].day if pid in closed else None)
        for pid, f in registered.items()
    ]
    rows = tuple(sorted({f["kommune"] for f in registered.values()}))
    return CountTable(
        "kommune",
        "Teilnehmende nach Kommune",
        "Kommune",
        rows,
        FLOW,
        _flow_cells(period, spans),
        col_totals=True,
    )


def _by_module(facts: Facts, period: Period, people: set[str]) -> CountTable:
    referral_of = {r["referral_id"]: r for r in facts.referrals if r.participant_id in people}
    enrolled: dict[str, date] = {}
    ended: dict[str, date] = {}
    for report in facts.reports:
        referral_id = report["referral_id"]
        if referral_id not in referral_of or report.day > period.end:
            continue
        if report["kind"] == "enrolled":
            enrolled.setdefault(referral_id, report.day)
        elif report["kind"] in ("completed", "dropped_out", "withdrawn"):
            ended.setdefault(referral_id, report.day)
    spans = [
        (referral_of[rid]["module"], referral_of[rid].participant_id or "", day, ended.get(rid))
        for rid, day in enrolled.items()
    ]
    return CountTable(
        "module",
        "Teilnehmende nach Förderbaustein (eine Person kann in mehreren sein)",
        "Baustein",
        MODULES,
        FLOW,
        _flow_cells(period, spans),
    )


Spans = dict[tuple[str, str], tuple[date, date | None]]
"""(participant, stage) -> the day it began and the day it ended (None: open)."""
Firsts = dict[tuple[str, str], date]
"""(participant, 'apprenticeship' | 'work') -> the day of their first such transition."""


def _stage_spans(milestones: list[Fact]) -> Spans:
    began: dict[tuple[str, str], date] = {}
    ended: dict[tuple[str, str], date] = {}
    for m in milestones:
        key = (m.participant_id or "", m["stage"] or "")
        if m["kind"] == "stage_started":
            began.setdefault(key, m.day)
        elif m["kind"] in ("stage_completed", "stage_skipped"):
            ended.setdefault(key, m.day)
    return {key: (day, ended.get(key)) for key, day in began.items()}


def _by_stage(period: Period, stage_spans: Spans, closed: dict[str, Fact]) -> CountTable:
    spans = []
    for (pid, stage), (began, ended) in stage_spans.items():
        if ended is None and pid in closed:
            ended = closed[pid].day
        spans.append((label("stage", stage), pid, began, ended))
    return CountTable(
        "stage",
        "Teilnehmende nach Etappe der Integrationskette",
        "Etappe",
        tuple(label("stage", s) for s in STAGES),
        FLOW,
        _flow_cells(period, spans),
    )


def _one_column(
    key: str, title: str, header: str, kind: str, values: Iterable[str], column: str
) -> CountTable:
    counted = Counter(values)
    known = codes(kind)
    order = known + tuple(sorted(set(counted) - set(known)))
    cells = {(label(kind, code), column): counted.get(code, 0) for code in order}
    return CountTable(
        key, title, header, tuple(label(kind, c) for c in order), (column,), cells, col_totals=True
    )


def _characteristics(
    period: Period, registered: dict[str, Fact], milestones: list[Fact]
) -> list[CountTable]:
    entrants = [f for f in registered.values() if _in(f.day, period)]
    level_now = {f.participant_id: f["language_level"] for f in entrants}
    entered = set(level_now)
    for m in milestones:  # sorted by time: the last stated level wins
        if m["kind"] == "language_level" and m.participant_id in entered:
            level_now[m.participant_id] = m["value"]
    column = "Eintritte"
    return [
        _one_column("age_band", "Eintritte nach Altersgruppe", "Alter", "age_band",
                    (f["age_band"] for f in entrants), column),
        _one_column("gender", "Eintritte nach Geschlecht", "Geschlecht", "gender",
                    (f["gender"] for f in entrants), column),
        _one_column("residence_status", "Eintritte nach Aufenthaltsstatus", "Status",
                    "residence_status", (f["residence_status"] for f in entrants), column),
        _one_column("language_at_entry", "Deutschkenntnisse bei Eintritt", "Niveau",
                    "language_level", (f["language_level"] for f in entrants), column),
        _one_column("language_now", "Deutschkenntnisse der Eingetretenen am Periodenende",
                    "Niveau", "language_level", level_now.values(), column),
    ]  # fmt: skip


def _status_at_entry(period: Period, registered: dict[str, Fact]) -> CountTable:
    entrants = [f for f in registered.values() if _in(f.day, period)]
    return _one_column(
        "status_at_entry",
        "Status bei Eintritt (bereits in Ausbildung oder Arbeit?)",
        "Tätigkeit",
        "activity",
        (f["activity"] for f in entrants),
        "Eintritte",
    )


def _not_enrolled(facts: Facts, period: Period, kommune: str | None) -> CountTable:
    enrolled = {f.participant_id for f in facts.registrations if f.day <= period.end}
    latest: dict[str, str] = {}
    for a in facts.approaches:
        if a.participant_id in enrolled or a.day > period.end:
            continue
        if not _in(a.day, period) or (kommune is not None and a["kommune"] != kommune):
            continue
        latest[a.participant_id or a.ce_id] = a["outcome"]
    return _one_column(
        "not_enrolled",
        "Angesprochen, aber nicht aufgenommen, nach Grund",
        "Grund",
        "approach_outcome",
        latest.values(),
        "Personen",
    )


def _transition_firsts(milestones: list[Fact]) -> dict[tuple[str, str], date]:
    """(participant, 'apprenticeship' | 'work') -> the day of their first such transition."""
    first: dict[tuple[str, str], date] = {}
    for m in milestones:
        into: str | None = None
        if m["kind"] == "job_started":
            into = "work"
        elif m["kind"] in ("stage_completed", "chain_closed") and m["value"] in (
            "apprenticeship",
            "work",
        ):
            into = m["value"]
        if into is not None:
            first.setdefault((m.participant_id or "", into), m.day)
    return first


def _transition_days(firsts: Firsts, period: Period) -> list[tuple[str, str]]:
    """The first transitions dated in the period."""
    return [key for key, day in sorted(firsts.items()) if _in(day, period)]


def _transitions(period: Period, milestones: list[Fact], firsts: Firsts) -> CountTable:
    moved = Counter(into for _, into in _transition_days(firsts, period))
    follow_ups = Counter(
        m["value"] for m in milestones if m["kind"] == "follow_up" and _in(m.day, period)
    )
    cells = {
        ("in Ausbildung", "Personen"): moved["apprenticeship"],
        ("in Arbeit", "Personen"): moved["work"],
        ("nach 6 Monaten weiter in Arbeit", "Personen"): follow_ups["employed"],
        ("nach 6 Monaten nicht mehr in Arbeit", "Personen"): follow_ups["not_employed"],
    }
    return CountTable(
        "transitions",
        "Übergänge und Nachhaltigkeit (Nachbefragung nach 6 Monaten)",
        "Übergang",
        tuple(row for row, _ in cells),
        ("Personen",),
        cells,
    )


def _transitions_by_month(period: Period, firsts: Firsts) -> CountTable:
    days = {key: day for key, day in firsts.items() if _in(day, period)}
    cols = ("in Ausbildung", "in Arbeit")
    cells: Counter[tuple[str, str]] = Counter()
    for (_, into), day in days.items():
        col = cols[0] if into == "apprenticeship" else cols[1]
        cells[f"{day:%Y-%m}", col] += 1
    rows = tuple(f"{month:%Y-%m}" for month in period.months())
    return CountTable(
        "transitions_by_month",
        "Übergänge je Monat",
        "Monat",
        rows,
        cols,
        dict(cells),
        row_totals=True,
        col_totals=True,
    )


def _stage_durations(period: Period, spans: Spans) -> MeasureTable:
    days: dict[str, list[int]] = defaultdict(list)
    for (_, stage), (began, ended) in spans.items():
        if ended is not None and _in(ended, period):
            days[stage].append((ended - began).days)
    rows = tuple(label("stage", s) for s in STAGES)
    values: dict[tuple[str, str], float | None] = {}
    n: dict[str, int] = {}
    for stage in STAGES:
        row, spent = label("stage", stage), days.get(stage, [])
        n[row] = len(spent)
        values[row, "abgeschlossen"] = float(len(spent))
        values[row, "Median (Tage)"] = float(statistics.median(spent)) if spent else None
        values[row, "Mittelwert (Tage)"] = round(statistics.fmean(spent), 1) if spent else None
    return MeasureTable(
        "stage_durations",
        "Verweildauer je Etappe (abgeschlossene Etappen)",
        "Etappe",
        rows,
        ("abgeschlossen", "Median (Tage)", "Mittelwert (Tage)"),
        values,
        n,
    )


def _dropouts(facts: Facts, period: Period, people: set[str]) -> CountTable:
    reasons = [
        r["reason"]
        for r in facts.reports
        if r["kind"] == "dropped_out" and r.participant_id in people and _in(r.day, period)
    ]
    return _one_column(
        "dropouts", "Abbrüche von Maßnahmen nach Grund", "Grund", "dropout", reasons, "Abbrüche"
    )


def _exit_reasons(period: Period, closed: dict[str, Fact]) -> CountTable:
    reasons = [f["reason"] for f in closed.values() if _in(f.day, period)]
    return _one_column(
        "exit_reasons", "Austritte nach Grund", "Grund", "closure", reasons, "Austritte"
    )


def _providers(facts: Facts, period: Period, people: set[str]) -> list[Table]:
    referrals = {r["referral_id"]: r for r in facts.referrals if r.participant_id in people}
    answered: dict[str, Fact] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for referral in referrals.values():
        if _in(referral.day, period):
            counts[referral["provider_id"], "Zuweisungen"] += 1
    names = {"accepted": "angenommen", "rejected": "abgelehnt", "completed": "abgeschlossen",
             "dropped_out": "abgebrochen"}  # fmt: skip
    for report in facts.reports:
        of = referrals.get(report["referral_id"])
        if of is None or report.day > period.end:
            continue
        if report["kind"] in ("accepted", "rejected"):
            answered.setdefault(report["referral_id"], report)
        if report["kind"] in names and _in(report.day, period):
            counts[of["provider_id"], names[report["kind"]]] += 1
    providers = tuple(sorted({r["provider_id"] for r in referrals.values()}))
    cols = ("Zuweisungen", *names.values())
    table = CountTable("providers", "Ergebnisse je Träger", "Träger", providers, cols, dict(counts))
    waits: dict[str, list[int]] = defaultdict(list)
    for rid, answer in answered.items():
        if _in(answer.day, period):
            referral = referrals[rid]
            waits[referral["provider_id"]].append((answer.day - referral.day).days)
    values: dict[tuple[str, str], float | None] = {}
    n: dict[str, int] = {}
    for provider in providers:
        done = counts[provider, "abgeschlossen"]
        ended = done + counts[provider, "abgebrochen"]
        spent = waits.get(provider, [])
        n[provider] = min(len(spent), ended) if ended else len(spent)
        values[provider, "Antwortzeit Median (Tage)"] = (
            float(statistics.median(spent)) if spent else None
        )
        values[provider, "Abschlussquote (%)"] = round(100 * done / ended, 1) if ended else None
    rates = MeasureTable(
        "provider_rates",
        "Antwortzeit und Abschlussquote je Träger",
        "Träger",
        providers,
        ("Antwortzeit Median (Tage)", "Abschlussquote (%)"),
        values,
        n,
    )
    return [table, rates]


def _gaps(facts: Facts, period: Period, kommune: str | None) -> CountTable:
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for gap in facts.gaps:
        if _in(gap.day, period) and (kommune is None or gap["kommune"] == kommune):
            seen[gap["kommune"], gap["module"]].add(gap["request_id"])
    rows = tuple(sorted({k for k, _ in seen}))
    return CountTable(
        "gaps",
        "Angebotslücken: Anfragen ohne passendes Angebot nach Kommune und Baustein",
        "Kommune",
        rows,
        MODULES,
        {cell: len(ids) for cell, ids in seen.items()},
        row_totals=True,
        col_totals=True,
    )
