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
