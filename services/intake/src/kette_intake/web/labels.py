"""German labels the screens need beyond `kette_workflows.domain.labels_de` (which they reuse):
one table per code list, nowhere else."""

from __future__ import annotations

from enum import StrEnum

from kette_core.contracts.chain import EligibilityException, PauseReason, SkipReason
from kette_core.contracts.participants import ApproachChannel, ApproachOutcome, ErasureGround
from kette_core.contracts.vocabulary import AgeBand, Gender, Module, OccupationField, PermitBasis
from kette_workflows.api import ChainStatus, CloseReason, ReorderReason, TaskKind
from kette_workflows.domain import labels_de

GENDER_DE: dict[Gender, str] = {
    Gender.FEMALE: "weiblich",
    Gender.MALE: "männlich",
    Gender.DIVERSE: "divers",
    Gender.UNSPECIFIED: "keine Angabe",
}
AGE_BAND_DE: dict[AgeBand, str] = {
    AgeBand.UNDER_18_EXCEPTION: "unter 18 (Ausnahme)",
    AgeBand.AGE_18_20: "18 bis 20 Jahre",
    AgeBand.AGE_21_23: "21 bis 23 Jahre",
    AgeBand.AGE_24_27: "24 bis 27 Jahre",
    AgeBand.OVER_27_EXCEPTION: "über 27 (Ausnahme)",
}
OCCUPATION_FIELD_DE: dict[OccupationField, str] = {
    OccupationField.AGRICULTURE: "Land-, Forst- und Tierwirtschaft, Gartenbau",
    OccupationField.PRODUCTION: "Rohstoffgewinnung, Produktion und Fertigung",
    OccupationField.CONSTRUCTION: "Bau, Architektur, Vermessung und Gebäudetechnik",
    OccupationField.SCIENCE_IT: "Naturwissenschaft, Geografie und Informatik",
    OccupationField.LOGISTICS_SECURITY: "Verkehr, Logistik, Schutz und Sicherheit",
    OccupationField.COMMERCE_HOSPITALITY: "Kaufmännische Dienstleistungen, Handel, Tourismus",
    OccupationField.ADMINISTRATION: "Unternehmensorganisation, Buchhaltung, Recht, Verwaltung",
    OccupationField.HEALTH_SOCIAL_EDUCATION: "Gesundheit, Soziales, Lehre und Erziehung",
    OccupationField.HUMANITIES_MEDIA_ARTS: "Geisteswissenschaften, Kultur, Gestaltung",
}
APPROACH_CHANNEL_DE: dict[ApproachChannel, str] = {
    ApproachChannel.OUTREACH: "aufsuchende Arbeit",
    ApproachChannel.PARTNER_REFERRAL: "Verweis durch Partner",
    ApproachChannel.AUSLAENDERBEHOERDE: "Ausländerbehörde",
    ApproachChannel.JOBCENTER: "Jobcenter",
    ApproachChannel.SCHOOL: "Schule",
    ApproachChannel.SELF_REFERRAL: "kam von sich aus",
    ApproachChannel.OTHER: "anderer Weg",
}
APPROACH_OUTCOME_DE: dict[ApproachOutcome, str] = {
    ApproachOutcome.PENDING: "überlegt noch",
    ApproachOutcome.DECLINED: "möchte nicht teilnehmen",
    ApproachOutcome.NOT_ELIGIBLE: "nicht förderfähig",
    ApproachOutcome.UNREACHABLE: "nicht erreichbar",
}
CHAIN_STATUS_DE: dict[ChainStatus, str] = {
    ChainStatus.ACTIVE: "läuft",
    ChainStatus.PAUSED: "ruht",
    ChainStatus.CLOSED: "abgeschlossen",
    ChainStatus.HANDED_OVER: "an das Jobcenter übergeben",
}
PAUSE_REASON_DE: dict[PauseReason, str] = {
    PauseReason.PERSONAL_CIRCUMSTANCES: "persönliche Umstände",
    PauseReason.CHILDCARE: "Kinderbetreuung",
    PauseReason.EMPLOYMENT_BAN: "Beschäftigungsverbot",
    PauseReason.WAITING_FOR_OFFER: "wartet auf ein Angebot",
    PauseReason.CASEWORKER_DECISION: "Entscheidung der Fachkraft",
    PauseReason.OTHER: "sonstiger Grund",
}
SKIP_REASON_DE: dict[SkipReason, str] = {
    SkipReason.NOT_NEEDED: "nicht nötig",
    SkipReason.ACHIEVED_ELSEWHERE: "anderswo erreicht",
    SkipReason.PARTICIPANT_DECLINED: "von der Person abgelehnt",
    SkipReason.NO_OFFER_AVAILABLE: "kein Angebot verfügbar",
    SkipReason.OTHER: "sonstiger Grund",
}
REORDER_REASON_DE: dict[ReorderReason, str] = {
    ReorderReason.OFFER_AVAILABILITY: "Verfügbarkeit von Angeboten",
    ReorderReason.PARTICIPANT_PREFERENCE: "Wunsch der Person",
    ReorderReason.OTHER: "sonstiger Grund",
}
CLOSE_REASON_DE: dict[CloseReason, str] = {
    CloseReason.MOVED_AWAY: "weggezogen",
    CloseReason.RESIDENCE_PERMIT: "Aufenthaltserlaubnis: Übergabe an das Jobcenter",
    CloseReason.REMOVAL: "Abschiebung",
    CloseReason.WITHDREW: "hat die Teilnahme beendet",
    CloseReason.REACHED_27: "Altersgrenze 27 erreicht",
    CloseReason.SUSTAINED_WORK: "dauerhaft in Arbeit",
    CloseReason.GOAL_REACHED: "Ziel erreicht",
    CloseReason.NO_LONGER_ELIGIBLE: "nicht mehr förderfähig",
}
TASK_KIND_DE: dict[TaskKind, str] = {
    TaskKind.PROVIDER_NO_RESPONSE: "Träger antwortet nicht",
    TaskKind.CHOOSE_OFFER: "Angebot wählen",
    TaskKind.NO_OFFER_FOUND: "kein Angebot gefunden",
    TaskKind.CASE_REVIEW: "Fallbesprechung",
    TaskKind.ELIGIBILITY_ENDING: "Förderberechtigung endet",
    TaskKind.RESIDENCE_EXPIRING: "Aufenthaltsstatus läuft ab",
    TaskKind.FOLLOW_UP: "Nachbetreuung",
    TaskKind.LOW_ATTENDANCE: "geringe Anwesenheit",
    TaskKind.CONSENT_WITHDRAWN: "Einwilligung widerrufen",
    TaskKind.PROGRAMME_HINT: "Hinweis zum Programm",
    TaskKind.PLAN_COMPLETED: "Plan erfüllt",
    TaskKind.ARRANGE_STAGE: "Stufe selbst organisieren",
    TaskKind.REPORT_REFUSED: "Meldung nicht übernommen",
}


ELIGIBILITY_EXCEPTION_DE: dict[EligibilityException, str] = {
    EligibilityException.FINISH_ONGOING_STAGE: "laufende Stufe abschließen",
    EligibilityException.LATE_ENTRY_JUSTIFIED: "später Einstieg begründet",
    EligibilityException.OTHER_JUSTIFIED: "sonstiger begründeter Fall",
}
MODULE_DE: dict[Module, str] = {module: f"Förderbaustein {module.value}" for module in Module}
DECISION_DE: dict[str, str] = {
    "confirm_offer": "Angebot bestätigen",
    "choose_other_offer": "Anderes Angebot wählen",
    "request_new_match": "Neue Angebotssuche",
    "skip_stage": "Stufe überspringen",
    "reorder_stages": "Reihenfolge ändern",
    "record_outcome": "Ergebnis eintragen",
    "pause_case": "Fall ruhen lassen",
    "resume_case": "Fall fortsetzen",
    "record_eligibility_exception": "Ausnahme von der Altersgrenze",
    "record_follow_up": "Nachbetreuung eintragen",
    "complete_task": "Aufgabe erledigt",
    "close_case": "Fall abschließen",
}
CHANGE_DE: dict[str, str] = {
    "change_goal": "Ziel ändern",
    "update_profile": "Angaben aktualisieren",
    "personal_data": "Angaben zur Person berichtigen",
    "residence_status": "Aufenthaltsstatus ändern",
    "consent_withdrawn": "Einwilligung widerrufen",
    "consent_given": "Einwilligung erteilen",
}
"""Changes recorded on the case page (ChangeService), by the name of their form."""
ERASURE_GROUND_DE: dict[ErasureGround, str] = {
    ErasureGround.DATA_SUBJECT_REQUEST: "auf Verlangen der Person (Art. 17 DSGVO)",
    ErasureGround.CONSENT_WITHDRAWN: "Einwilligung widerrufen",
    ErasureGround.RETENTION_ENDED: "Aufbewahrungsfrist abgelaufen",
}
PERMIT_BASIS_DE: dict[PermitBasis, str] = {
    PermitBasis.PARA_60C: "§ 60c AufenthG (Ausbildungsduldung)",
    PermitBasis.PARA_60D: "§ 60d AufenthG (Beschäftigungsduldung)",
    PermitBasis.PARA_25A: "§ 25a AufenthG",
    PermitBasis.PARA_25B: "§ 25b AufenthG",
    PermitBasis.PARA_104C: "§ 104c AufenthG (Chancen-Aufenthaltsrecht)",
    PermitBasis.PARA_16G: "§ 16g AufenthG",
    PermitBasis.OTHER: "sonstige Grundlage",
}
EVENT_DE: dict[str, str] = {
    "chain_started": "Kette gestartet",
    "plan_changed": "Plan angepasst",
    "stage_opened": "Stufe begonnen",
    "referral_requested": "Angebotssuche angefragt",
    "offers_received": "Angebote vorgeschlagen",
    "no_offer_found": "kein passendes Angebot",
    "referral_confirmed": "Zuweisung an Träger",
    "referral_withdrawn": "Zuweisung zurückgezogen",
    "outcome_recorded": "Ergebnis eingetragen",
    "input_ignored": "Meldung nicht übernommen",
    "stage_completed": "Stufe abgeschlossen",
    "stage_skipped": "Stufe übersprungen",
    "stages_reordered": "Reihenfolge geändert",
    "job_started": "Arbeit begonnen",
    "follow_up_recorded": "Nachbetreuung eingetragen",
    "task_opened": "Aufgabe geöffnet",
    "task_closed": "Aufgabe erledigt",
    "case_paused": "Fall ruht",
    "case_resumed": "Fall fortgesetzt",
    "goal_changed": "Ziel geändert",
    "profile_facts_updated": "Angaben aktualisiert",
    "eligibility_exception_recorded": "Ausnahme von der Altersgrenze dokumentiert",
    "residence_status_recorded": "Aufenthaltsstatus geändert",
    "consent_withdrawn": "Einwilligung widerrufen",
    "consent_given": "Einwilligung erteilt",
    "case_closed": "Fall abgeschlossen",
    "case_handed_over": "an das Jobcenter übergeben",
}
"""Timeline entries by the chain event's `kind`."""


def options(table: dict[StrEnum, str] | dict[object, str]) -> list[tuple[str, str]]:
    """(value, German label) pairs for a <select>, in the code list's order."""
    return [(str(code), label) for code, label in table.items()]


LABELS: dict[str, object] = {
    "stage": labels_de.STAGE_DE,
    "phase": labels_de.PHASE_DE,
    "language_level": labels_de.LANGUAGE_LEVEL_DE,
    "school_certificate": labels_de.SCHOOL_CERTIFICATE_DE,
    "vocational_qualification": labels_de.VOCATIONAL_QUALIFICATION_DE,
    "activity": labels_de.ACTIVITY_DE,
    "residence_status": labels_de.RESIDENCE_STATUS_DE,
    "report": labels_de.REPORT_DE,
    "referral_status": labels_de.REFERRAL_STATUS_DE,
    "gender": GENDER_DE,
    "age_band": AGE_BAND_DE,
    "occupation_field": OCCUPATION_FIELD_DE,
    "approach_channel": APPROACH_CHANNEL_DE,
    "approach_outcome": APPROACH_OUTCOME_DE,
    "chain_status": CHAIN_STATUS_DE,
    "pause_reason": PAUSE_REASON_DE,
    "skip_reason": SKIP_REASON_DE,
    "reorder_reason": REORDER_REASON_DE,
    "close_reason": CLOSE_REASON_DE,
    "task_kind": TASK_KIND_DE,
    "eligibility_exception": ELIGIBILITY_EXCEPTION_DE,
    "module": MODULE_DE,
    "decision": DECISION_DE,
    "event": EVENT_DE,
    "permit_basis": PERMIT_BASIS_DE,
    "erasure_ground": ERASURE_GROUND_DE,
}
"""Every table by name, for the templates (`labels.stage[code]`)."""
