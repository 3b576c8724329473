"""The Art. 15 answer as a printable German page (Jinja2, escaped, no script)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kette_intake.rights.schemas import DataExport

_TEMPLATES = Path(__file__).parent / "templates"
_environment = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(("html", "j2")),
    trim_blocks=True,
    lstrip_blocks=True,
)

PERSONAL_LABELS = {
    "given_name": "Vorname",
    "family_name": "Familienname",
    "birth_date": "Geburtsdatum",
    "phone": "Telefon",
    "email": "E-Mail",
    "address": "Anschrift",
    "nationality": "Staatsangehörigkeit",
    "languages_spoken": "Gesprochene Sprachen",
}
PROFILE_LABELS = {
    "gender": "Geschlecht",
    "residence_status": "Aufenthaltsstatus",
    "residence_status_expires_on": "Aufenthaltsstatus gültig bis",
    "language_level": "Deutschkenntnisse (GER)",
    "school_certificate": "Schulabschluss",
    "vocational_qualification": "Berufsabschluss",
    "current_activity": "Derzeitige Tätigkeit",
    "goal": "Ziel",
    "constraints": "Rahmenbedingungen",
}
CHANGE_KINDS = {
    "residence_status": "Aufenthaltsstatus",
    "profile": "Profil",
    "personal": "Persönliche Angaben",
}


def german(value: Any) -> str:
    """Days as 19.07.2004, lists joined, missing values as a dash, the rest as text."""
    if value is None or value == [] or value == {}:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y, %H:%M Uhr (UTC)")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return ", ".join(german(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{name}: {german(item)}" for name, item in value.items())
    return str(value)


def render(export: DataExport) -> str:
    """The whole page; every value goes through autoescaping."""
    personal = export.personal.model_dump()
    if export.personal.address is not None:
        address = export.personal.address
        personal["address"] = f"{address.street}, {address.postal_code} {address.town}"
    timeline = [_timeline_row(entry) for entry in export.chain.timeline]
    return _environment.get_template("auskunft.html.j2").render(
        export=export,
        timeline=timeline,
        personal=[(PERSONAL_LABELS[name], german(value)) for name, value in personal.items()],
        profile=[
            (PROFILE_LABELS.get(name, name), german(value))
            for name, value in export.profile.model_dump(mode="json").items()
        ],
        change_kinds=CHANGE_KINDS,
        german=german,
    )


def _timeline_row(entry: dict[str, Any]) -> tuple[str, str, str]:
    """When, what, and the details of one timeline entry, in German form."""
    when = datetime.fromisoformat(entry["occurred_at"])
    return german(when), entry["kind"], german(entry["details"])
