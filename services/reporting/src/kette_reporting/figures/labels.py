"""German names of the codes the events carry, for every table that people read."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "stage": {
        "language": "Sprache",
        "school": "Schulabschluss",
        "apprenticeship": "Ausbildung",
        "job": "Arbeit",
    },
    "age_band": {
        "under-18-exception": "unter 18 (Ausnahme)",
        "18-20": "18–20",
        "21-23": "21–23",
        "24-27": "24–27",
        "over-27-exception": "über 27 (Ausnahme)",
    },
    "gender": {
        "female": "weiblich",
        "male": "männlich",
        "diverse": "divers",
        "unspecified": "ohne Angabe",
    },
    "residence_status": {
        "aufenthaltsgestattung": "Aufenthaltsgestattung",
        "duldung": "Duldung",
        "ausbildungsduldung": "Ausbildungsduldung",
        "beschaeftigungsduldung": "Beschäftigungsduldung",
        "aufenthaltserlaubnis": "Aufenthaltserlaubnis",
        "eu_citizen": "EU-Bürger/in",
        "other": "sonstiger Status",
    },
    "language_level": {
        "none": "keine Kenntnisse",
        "A1": "A1",
        "A2": "A2",
        "B1": "B1",
        "B2": "B2",
        "C1": "C1",
    },
    "activity": {
        "none": "ohne Beschäftigung",
        "school": "Schule",
        "language_course": "Sprachkurs",
        "eq": "Einstiegsqualifizierung",
        "apprenticeship": "Ausbildung",
        "work": "Arbeit",
    },
    "approach_outcome": {
        "pending": "noch offen",
        "declined": "abgelehnt",
        "not_eligible": "nicht förderfähig",
        "unreachable": "nicht erreichbar",
    },
    "dropout": {
        "personal_circumstances": "persönliche Gründe",
        "took_up_work": "Arbeit aufgenommen",
        "moved_away": "verzogen",
        "lost_contact": "Kontakt verloren",
        "residence_status": "Aufenthaltsstatus",
        "other": "sonstige Gründe",
    },
    "closure": {
        "moved_away": "verzogen",
        "handed_to_jobcenter": "an Jobcenter übergeben",
        "removal": "Abschiebung",
        "withdrew": "Teilnahme beendet",
        "reached_27": "Altersgrenze 27 erreicht",
        "sustained_work": "nachhaltig in Arbeit",
        "other": "sonstige Gründe",
        "goal_reached": "Ziel erreicht",
        "no_longer_eligible": "nicht mehr förderfähig",
    },
}


def label(kind: str, code: str) -> str:
    """The German name of a code, or the code itself when it has none."""
    return LABELS.get(kind, {}).get(code, code)


def codes(kind: str) -> tuple[str, ...]:
    """Every known code of a kind, in the order a reader expects."""
    return tuple(LABELS.get(kind, {}))
