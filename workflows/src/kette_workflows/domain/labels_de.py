"""German labels of the English codes, for reason texts a caseworker reads."""

from __future__ import annotations

from datetime import date

from kette_core.contracts.vocabulary import (
    Activity,
    LanguageLevel,
    ResidenceStatus,
    SchoolCertificate,
    Stage,
    VocationalQualification,
)
from kette_workflows.domain.vocabulary import ReferralStatus, ReportKind, StagePhase, TaskKind

STAGE_DE: dict[Stage, str] = {
    Stage.LANGUAGE: "Sprache",
    Stage.SCHOOL: "Schulabschluss",
    Stage.APPRENTICESHIP: "Ausbildung",
    Stage.JOB: "Arbeit",
}
LANGUAGE_LEVEL_DE: dict[LanguageLevel, str] = {
    LanguageLevel.NONE: "keine Deutschkenntnisse",
    LanguageLevel.A1: "A1",
    LanguageLevel.A2: "A2",
    LanguageLevel.B1: "B1",
    LanguageLevel.B2: "B2",
    LanguageLevel.C1: "C1",
}
SCHOOL_CERTIFICATE_DE: dict[SchoolCertificate, str] = {
    SchoolCertificate.NONE: "kein Schulabschluss",
    SchoolCertificate.FOREIGN_UNRECOGNISED: "ausländischer Abschluss, nicht anerkannt",
    SchoolCertificate.FOREIGN_RECOGNISED: "ausländischer Abschluss, anerkannt",
    SchoolCertificate.ERSTER: "Erster Schulabschluss",
    SchoolCertificate.ERWEITERTER_ERSTER: "Erweiterter Erster Schulabschluss",
    SchoolCertificate.HIGHER: "höherer Schulabschluss",
}
VOCATIONAL_QUALIFICATION_DE: dict[VocationalQualification, str] = {
    VocationalQualification.NONE: "kein Berufsabschluss",
    VocationalQualification.FOREIGN: "ausländischer Berufsabschluss",
    VocationalQualification.GERMAN: "deutscher Berufsabschluss",
}
ACTIVITY_DE: dict[Activity, str] = {
    Activity.NONE: "keine Tätigkeit",
    Activity.SCHOOL: "Schule",
    Activity.LANGUAGE_COURSE: "Sprachkurs",
    Activity.EQ: "Einstiegsqualifizierung",
    Activity.APPRENTICESHIP: "Ausbildung",
    Activity.WORK: "Arbeit",
}
RESIDENCE_STATUS_DE: dict[ResidenceStatus, str] = {
    ResidenceStatus.AUFENTHALTSGESTATTUNG: "Aufenthaltsgestattung",
    ResidenceStatus.DULDUNG: "Duldung",
    ResidenceStatus.AUSBILDUNGSDULDUNG: "Ausbildungsduldung (§60c AufenthG)",
    ResidenceStatus.BESCHAEFTIGUNGSDULDUNG: "Beschäftigungsduldung (§60d AufenthG)",
    ResidenceStatus.AUFENTHALTSERLAUBNIS: "Aufenthaltserlaubnis",
    ResidenceStatus.EU_CITIZEN: "EU-Bürger*in ohne SGB-Anspruch",
    ResidenceStatus.OTHER: "sonstiger Status",
}


def date_de(day: date) -> str:
    """German date format, as on every form the caseworker knows."""
    return day.strftime("%d.%m.%Y")


def month_de(day: date) -> str:
    """Month precision for estimates, which are never exact to the day."""
    return day.strftime("%m/%Y")


PHASE_DE: dict[StagePhase, str] = {
    StagePhase.PENDING: "noch nicht begonnen",
    StagePhase.MATCHING: "Angebotssuche läuft",
    StagePhase.AWAITING_DECISION: "Entscheidung offen",
    StagePhase.REFERRED: "zugewiesen",
    StagePhase.IN_PROGRESS: "läuft",
    StagePhase.FOLLOW_UP: "Nachbetreuung",
    StagePhase.ONGOING: "lief bereits bei Eintritt",
    StagePhase.COMPLETED: "abgeschlossen",
    StagePhase.SKIPPED: "übersprungen",
    StagePhase.MET_AT_ENTRY: "bei Eintritt erfüllt",
    StagePhase.NOT_ELIGIBLE: "nicht förderfähig",
}
REPORT_DE: dict[ReportKind, str] = {
    ReportKind.ACCEPTED: "angenommen",
    ReportKind.REJECTED: "abgelehnt",
    ReportKind.ENROLLED: "eingetreten",
    ReportKind.ATTENDANCE: "Anwesenheit",
    ReportKind.EXAM_RESULT: "Prüfungsergebnis",
    ReportKind.COMPLETED: "abgeschlossen",
    ReportKind.DROPPED_OUT: "abgebrochen",
}
REFERRAL_STATUS_DE: dict[ReferralStatus, str] = {
    ReferralStatus.SENT: "gesendet",
    ReferralStatus.ACCEPTED: "angenommen",
    ReferralStatus.ENROLLED: "eingetreten",
    ReferralStatus.COMPLETED: "abgeschlossen",
    ReferralStatus.REJECTED: "abgelehnt",
    ReferralStatus.DROPPED_OUT: "abgebrochen",
    ReferralStatus.WITHDRAWN: "zurückgezogen",
}
TASK_TEXT_DE: dict[TaskKind, str] = {
    TaskKind.PROVIDER_NO_RESPONSE: (
        "$stage: Der Träger hat nicht innerhalb von $days Tagen auf die Zuweisung geantwortet."
    ),
    TaskKind.CHOOSE_OFFER: "$stage: Angebot wählen, neue Suche anstoßen oder Stufe überspringen.",
    TaskKind.NO_OFFER_FOUND: (
        "$stage: Kein passendes Angebot gefunden (Angebotslücke). Eigenes Angebot wählen, "
        "neu suchen oder Stufe überspringen."
    ),
    TaskKind.CASE_REVIEW: "Fallbesprechung fällig.",
    TaskKind.ELIGIBILITY_ENDING: (
        "Die Förderberechtigung endet am $date (27 Jahre): Anschluss klären oder Ausnahme "
        "dokumentieren."
    ),
    TaskKind.RESIDENCE_EXPIRING: (
        "Der Aufenthaltsstatus läuft am $date ab: Verlängerung mit der Ausländerbehörde klären."
    ),
    TaskKind.FOLLOW_UP: (
        "Nachbetreuung: Besteht die Beschäftigung $months Monate nach Arbeitsbeginn fort?"
    ),
    TaskKind.LOW_ATTENDANCE: "$stage: Anwesenheit $percent % – Coaching (F1) einschalten.",
    TaskKind.CONSENT_WITHDRAWN: (
        "Einwilligung widerrufen: keine Weitergabe an Träger, laufende Zuweisungen wurden "
        "zurückgezogen."
    ),
    TaskKind.PROGRAMME_HINT: "$hint",
    TaskKind.PLAN_COMPLETED: "Keine Stufe ist mehr offen: Fall abschließen oder Ziel ändern.",
    TaskKind.REPORT_REFUSED: (
        "$stage: Der Träger meldet „$report“, die Zuweisung ist aber „$status“. Die Meldung wurde "
        "nicht übernommen: bitte mit dem Träger klären."
    ),
    TaskKind.ARRANGE_STAGE: (
        "$stage: Dafür gibt es keinen Förderbaustein (z. B. Anerkennung des Abschlusses). Selbst "
        "in die Wege leiten, ein eigenes Angebot wählen oder das Ergebnis eintragen."
    ),
}
