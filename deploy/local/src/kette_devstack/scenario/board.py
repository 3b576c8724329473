"""The live board: chains per stage and one row per participant, read off the chain topic."""

from __future__ import annotations

from collections import Counter

from rich.console import Group
from rich.table import Table
from rich.text import Text

from kette_core.contracts.vocabulary import Stage
from kette_devstack.scenario.chain_view import ChainBook, ChainView
from kette_devstack.scenario.cohort import Cohort

STAGE_DE = {
    Stage.LANGUAGE: "Sprache",
    Stage.SCHOOL: "Schulabschluss",
    Stage.APPRENTICESHIP: "Ausbildung",
    Stage.JOB: "Arbeit",
}
_EVENT_DE = {
    "started": "Kette geplant",
    "replanned": "neu geplant",
    "stage_started": "Stufe begonnen",
    "referral_requested": "Angebot angefragt",
    "offers_received": "Vorschläge da",
    "no_offer_found": "kein Angebot (Lücke)",
    "referral_confirmed": "zugewiesen",
    "referral_withdrawn": "Zuweisung zurückgezogen",
    "outcome_recorded": "Rückmeldung",
    "stage_completed": "Stufe abgeschlossen",
    "stage_skipped": "Stufe übersprungen",
    "job_started": "Arbeit begonnen",
    "follow_up_recorded": "Nachbetreuung erfasst",
    "task_opened": "Aufgabe offen",
    "task_closed": "Aufgabe erledigt",
    "profile_facts_updated": "Sprachstand aktualisiert",
    "eligibility_exception_recorded": "Ausnahme 27 erfasst",
    "closed": "abgeschlossen",
    "sharing_stopped": "Kette beendet",
}
_CLOSED_DE = {
    "sustained_work": "nachhaltig in Arbeit",
    "goal_reached": "Ziel erreicht",
    "handed_to_jobcenter": "an Jobcenter übergeben",
    "reached_27": "27 erreicht",
}
MAX_ROWS = 30
STALL_HINT_SECONDS = 20.0


WAITING, FOLLOW_UP, CLOSED = "wartet", "Nachbetreuung", "fertig"


def _stage_of(view: ChainView | None) -> str:
    if view is None:
        return WAITING
    if view.closed is not None:
        return CLOSED
    if view.job_started is not None and Stage.JOB not in view.completed:
        return FOLLOW_UP
    stage = view.current_stage()
    return STAGE_DE[stage] if stage is not None else "–"


def _last_de(view: ChainView | None) -> str:
    if view is None or view.last_type is None:
        return ""
    kind = view.last_type.split(".")[2]
    if view.closed is not None:
        return _CLOSED_DE.get(view.closed.reason.value, view.closed.reason.value)
    return _EVENT_DE.get(kind, kind)


def render(book: ChainBook, cohort: Cohort, ui_url: str, seconds_waited: float = 0.0) -> Group:
    """Summary per stage, then the participants (the first MAX_ROWS)."""
    views = {member.participant_id: book.get(member.participant_id) for member in cohort.members}
    counts = Counter(_stage_of(view) for view in views.values())
    summary = Table(title=f"Integrationsketten Kreis Unna ({len(cohort.members)} Teilnehmende)")
    columns = [WAITING, *STAGE_DE.values(), FOLLOW_UP, CLOSED]
    for column in columns:
        summary.add_column(column, justify="right")
    summary.add_row(*(str(counts.get(column, 0)) for column in columns))

    rows = Table(show_lines=False)
    rows.add_column("Teilnehmende", no_wrap=True)
    rows.add_column("Kommune")
    rows.add_column("Profil")
    rows.add_column("Stufe")
    rows.add_column("zuletzt")
    for member in cohort.members[:MAX_ROWS]:
        view = views[member.participant_id]
        style = "green" if view is not None and view.closed is not None else ""
        rows.add_row(
            member.participant_id[:10] + "…",
            member.registration.kommune,
            member.persona.label_de,
            Text(_stage_of(view), style=style),
            _last_de(view),
        )
    hints = [Text(f"Temporal Web UI: {ui_url}  (Strg-C beendet den Spieler)", style="dim")]
    if seconds_waited > STALL_HINT_SECONDS and counts.get(WAITING, 0) == len(cohort.members):
        hints.append(
            Text(
                "Noch keine Kette gestartet: laufen Chain-Worker und Bridge? (kette-stack status)",
                style="yellow",
            )
        )
    return Group(summary, rows, *hints)


def all_closed(book: ChainBook, cohort: Cohort) -> bool:
    """Every chain of the cohort has ended."""
    return all(
        (view := book.get(participant_id)) is not None and view.is_closed
        for participant_id in cohort.participant_ids()
    )
