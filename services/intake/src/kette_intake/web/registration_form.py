"""The registration form and the API's Registration: field names are the API's dotted paths,
so a refusal's `field` lands next to the input it names, in German."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from kette_intake.cases.decisions import problems_of
from kette_intake.errors import Problem
from kette_intake.participants.schemas import (
    EligibilityAnswer,
    EligibilityCheck,
    Registration,
)
from kette_intake.web.forms import FORM_ERROR, FormState, put_path
from kette_intake.web.labels import AGE_BAND_DE
from kette_workflows.domain.labels_de import RESIDENCE_STATUS_DE, date_de

LABELS: dict[str, str] = {
    "intent": "Was soll erfasst werden?",
    "kommune": "Kommune",
    "personal.given_name": "Vorname",
    "personal.family_name": "Nachname",
    "personal.birth_date": "Geburtsdatum",
    "personal.phone": "Telefon",
    "personal.email": "E-Mail",
    "personal.address.street": "Straße und Hausnummer",
    "personal.address.postal_code": "Postleitzahl",
    "personal.address.town": "Ort",
    "personal.nationality": "Staatsangehörigkeit",
    "personal.languages_spoken": "Gesprochene Sprachen",
    "profile.gender": "Geschlecht",
    "profile.residence_status": "Aufenthaltsstatus",
    "profile.residence_status_expires_on": "Aufenthaltsdokument gültig bis",
    "profile.language_level": "Deutschkenntnisse (GER)",
    "profile.school_certificate": "Schulabschluss",
    "profile.vocational_qualification": "Berufserfahrung und Berufsabschluss",
    "profile.current_activity": "Aktuelle Tätigkeit",
    "profile.goal.target_stage": "Ziel",
    "profile.goal.occupation_field": "Berufsbereich",
    "profile.constraints.childcare_needed": "Kinderbetreuung nötig",
    "profile.constraints.employment_ban": "Beschäftigungsverbot",
    "consent_to_share": "Einwilligung",
    "consent_text_version": "Fassung des Einwilligungstexts",
    "age_exception_reason": "Begründung der Ausnahme (unter 18)",
    "approach.channel": "Kontaktweg",
    "approach.outcome": "Grund, warum (noch) nicht aufgenommen",
    "confirmed_not_duplicate": "Mögliche Doppelerfassung",
    FORM_ERROR: "Formular",
}
"""German label of every field; its keys are the form's names (and the API's field paths)."""

_TEXT = (
    "personal.given_name", "personal.family_name", "personal.birth_date", "personal.phone",
    "personal.email", "personal.nationality", "profile.gender", "profile.residence_status",
    "profile.residence_status_expires_on", "profile.language_level",
    "profile.school_certificate", "profile.vocational_qualification",
    "profile.current_activity", "profile.goal.target_stage", "profile.goal.occupation_field",
    "kommune", "age_exception_reason",
)  # fmt: skip
_ADDRESS = ("personal.address.street", "personal.address.postal_code", "personal.address.town")
_FLAGS = ("profile.constraints.childcare_needed", "profile.constraints.employment_ban")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DATES = ("personal.birth_date", "profile.residence_status_expires_on")


def normalised(values: dict[str, str]) -> dict[str, str]:
    """Dates typed as TT.MM.JJJJ shown again as the date input expects them (JJJJ-MM-TT)."""
    return {**values, **{name: _iso_date(values[name]) for name in _DATES if values.get(name)}}


def body_of(values: Mapping[str, str]) -> dict[str, Any]:
    """The API's nested registration from the flat form; empty inputs are left out, so a
    required one is 'missing' (and named) rather than 'empty'."""
    body: dict[str, Any] = {}
    for name in _TEXT:
        if values.get(name):
            put_path(body, name, _iso_date(values[name]) if name in _DATES else values[name])
    if any(values.get(name) for name in _ADDRESS):
        for name in _ADDRESS:
            put_path(body, name, values.get(name, ""))
    languages = [part.strip() for part in values.get("personal.languages_spoken", "").split(",")]
    put_path(body, "personal.languages_spoken", [language for language in languages if language])
    for name in _FLAGS:
        put_path(body, name, values.get(name) == "ja")
    body["consent_to_share"] = values.get("consent_to_share") == "ja"
    body["confirmed_not_duplicate"] = values.get("confirmed_not_duplicate") == "ja"
    body["intent"] = values.get("intent") or "enrol"
    if body["intent"] == "approach":
        body["approach"] = {
            key: values[f"approach.{key}"]
            for key in ("channel", "outcome")
            if values.get(f"approach.{key}")
        }
    if values.get("consent_text_version"):
        body["consent_text_version"] = values["consent_text_version"]
    return body


def parse_registration(state: FormState) -> Registration | None:
    """The Registration, or None with every bad field refused in German."""
    try:
        return Registration.model_validate(body_of(state.values))
    except ValidationError as invalid:
        _refuse_all(state, invalid)
        return None


def parse_check(state: FormState) -> EligibilityCheck | None:
    """The three facts eligibility needs, or None with those fields refused in German."""
    body = body_of(state.values)
    try:
        return EligibilityCheck.model_validate(
            {
                "kommune": body.get("kommune"),
                "birth_date": body.get("personal", {}).get("birth_date"),
                "residence_status": body.get("profile", {}).get("residence_status"),
                "age_exception_reason": body.get("age_exception_reason"),
            }
        )
    except ValidationError as invalid:
        paths = {
            "birth_date": "personal.birth_date",
            "residence_status": "profile.residence_status",
        }
        for problem in problems_of(invalid):
            state.refuse(paths.get(problem.field, problem.field), problem.message_de)
        return None


def _refuse_all(state: FormState, invalid: ValidationError) -> None:
    for problem in problems_of(invalid):
        state.refuse(form_name(problem.field), problem.message_de)


def form_name(path: str) -> str:
    """The form field an API path names: list positions dropped, then the nearest known one."""
    parts = [part for part in path.split(".") if not part.isdigit()]
    while parts:
        name = ".".join(parts)
        if name in LABELS:
            return name
        if name == "personal.address":
            return "personal.address.street"
        if name == "approach":
            return "approach.channel"
        parts.pop()
    return FORM_ERROR


def explain(answer: EligibilityAnswer, check: EligibilityCheck) -> list[str]:
    """Eligibility in German sentences, one per reason (or why she may enrol the person)."""
    if answer.eligible and answer.age_band is not None and answer.eligibility_ends_on:
        return [
            f"Förderfähig: Altersgruppe {AGE_BAND_DE[answer.age_band]}, förderfähig bis "
            f"{date_de(answer.eligibility_ends_on)}."
        ]
    return [finding_de(problem.field, check) for problem in answer.findings]


def finding_de(field_name: str, check: EligibilityCheck) -> str:
    """The German reason of one eligibility finding (or registration refusal) by its field."""
    if field_name == "kommune":
        return f"„{check.kommune}“ gehört nicht zu Ihren Kommunen dieser KI."
    if field_name == "personal.birth_date":
        return (
            "Das Programm nimmt Menschen von 18 bis 27 Jahren auf (bis zum Ende des Monats des "
            "27. Geburtstags). Unter 18 nur mit begründeter Ausnahme; eine Ausnahme über 27 wird "
            "im laufenden Fall dokumentiert, nicht bei der Aufnahme."
        )
    if field_name == "profile.residence_status":
        status = RESIDENCE_STATUS_DE[check.residence_status]
        return f"Der Aufenthaltsstatus „{status}“ ist in diesem Programm nicht förderfähig."
    return "Diese Angabe schließt die Förderung aus."


def refusal_de(problem: Problem, check: EligibilityCheck | None) -> tuple[str, str]:
    """(form field, German text) of a refusal the registration service gave."""
    if problem.field == "personal":
        return (
            "confirmed_not_duplicate",
            "Eine Person mit gleichem Namen und Geburtsdatum ist in dieser KI bereits erfasst. "
            "Bitte prüfen Sie die Fallliste; ist es eine andere Person, bestätigen Sie das hier.",
        )
    if problem.field == "approach":
        return "approach.channel", "Bitte Kontaktweg und Grund angeben."
    if problem.field == "Idempotency-Key":
        return (
            FORM_ERROR,
            "Dieses Formular wurde schon mit anderen Angaben gespeichert. Bitte öffnen Sie ein "
            "neues Formular („Person aufnehmen“).",
        )
    if problem.field == "kommune":
        return "kommune", "Diese Kommune gehört nicht zu Ihren Kommunen."
    if check is not None and problem.field in ("personal.birth_date", "profile.residence_status"):
        return problem.field, finding_de(problem.field, check)
    return form_name(problem.field), "Diese Angabe wurde abgelehnt."


def _iso_date(text: str) -> str:
    """Accept TT.MM.JJJJ as typed in a browser without a date picker."""
    match = _GERMAN_DATE.match(text)
    if match is None:
        return text
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"
