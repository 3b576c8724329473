"""Closed vocabularies: codes instead of free text, so nothing personal leaks into events."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.base import ActorId


class AgeBand(StrEnum):
    """Age in bands; the birth date itself never leaves intake."""

    UNDER_18_EXCEPTION = "under-18-exception"
    AGE_18_20 = "18-20"
    AGE_21_23 = "21-23"
    AGE_24_27 = "24-27"
    OVER_27_EXCEPTION = "over-27-exception"


class Gender(StrEnum):
    """Gender category; the programme must report and promote women's participation."""

    FEMALE = "female"
    MALE = "male"
    DIVERSE = "diverse"
    UNSPECIFIED = "unspecified"


class ResidenceStatus(StrEnum):
    """Class of residence status, which decides eligibility and hand-over."""

    AUFENTHALTSGESTATTUNG = "aufenthaltsgestattung"
    DULDUNG = "duldung"
    AUSBILDUNGSDULDUNG = "ausbildungsduldung"
    BESCHAEFTIGUNGSDULDUNG = "beschaeftigungsduldung"
    AUFENTHALTSERLAUBNIS = "aufenthaltserlaubnis"
    EU_CITIZEN = "eu_citizen"
    OTHER = "other"


class PermitBasis(StrEnum):
    """Legal basis of a Duldung or residence permit, where it matters for the chain."""

    PARA_60C = "para_60c"
    PARA_60D = "para_60d"
    PARA_25A = "para_25a"
    PARA_25B = "para_25b"
    PARA_104C = "para_104c"
    PARA_16G = "para_16g"
    OTHER = "other"


class LanguageLevel(StrEnum):
    """German level on the CEFR scale."""

    NONE = "none"
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"


LANGUAGE_ORDER: tuple[LanguageLevel, ...] = (
    LanguageLevel.NONE,
    LanguageLevel.A1,
    LanguageLevel.A2,
    LanguageLevel.B1,
    LanguageLevel.B2,
    LanguageLevel.C1,
)
"""CEFR levels from lowest to highest; the enum's values are codes, not an order."""


def language_rank(level: LanguageLevel) -> int:
    """Position on the CEFR scale, so the chain and matching can say 'at least B1' alike."""
    return LANGUAGE_ORDER.index(level)


class SchoolCertificate(StrEnum):
    """Highest school certificate, with the recognition state of foreign ones."""

    NONE = "none"
    FOREIGN_UNRECOGNISED = "foreign_unrecognised"
    FOREIGN_RECOGNISED = "foreign_recognised"
    ERSTER = "erster"
    ERWEITERTER_ERSTER = "erweiterter_erster"
    HIGHER = "higher"


class VocationalQualification(StrEnum):
    """Vocational qualification held, if any."""

    NONE = "none"
    FOREIGN = "foreign"
    GERMAN = "german"


class Activity(StrEnum):
    """What the person is doing; recorded at entry, a blind spot of the old monitoring."""

    NONE = "none"
    SCHOOL = "school"
    LANGUAGE_COURSE = "language_course"
    EQ = "eq"
    APPRENTICESHIP = "apprenticeship"
    WORK = "work"


class Stage(StrEnum):
    """Stage of the Integrationskette."""

    LANGUAGE = "language"
    SCHOOL = "school"
    APPRENTICESHIP = "apprenticeship"
    JOB = "job"


class Module(StrEnum):
    """Förderbaustein of the programme."""

    F1 = "F1"
    F2 = "F2"
    F3 = "F3"
    F4 = "F4"
    F5 = "F5"
    F6 = "F6"


class OccupationField(StrEnum):
    """Berufsbereich of the KldB 2010 (one-digit level), a standard instead of free text."""

    AGRICULTURE = "agriculture"
    PRODUCTION = "production"
    CONSTRUCTION = "construction"
    SCIENCE_IT = "science_it"
    LOGISTICS_SECURITY = "logistics_security"
    COMMERCE_HOSPITALITY = "commerce_hospitality"
    ADMINISTRATION = "administration"
    HEALTH_SOCIAL_EDUCATION = "health_social_education"
    HUMANITIES_MEDIA_ARTS = "humanities_media_arts"


class ActorRole(StrEnum):
    """Role under which someone acted; decides what they may see."""

    CASEWORKER = "caseworker"
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"
    ADMIN = "admin"
    PROVIDER = "provider"
    SYSTEM = "system"


class ContractModel(BaseModel):
    """Nested value objects follow the payload rules: closed and immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Actor(ContractModel):
    """Who did something, pseudonymously."""

    role: ActorRole = Field(description="Role the actor acted under.")
    actor_id: ActorId


class Goal(ContractModel):
    """Agreed goal of the chain: a stage and optionally an occupation field."""

    target_stage: Stage = Field(description="Last stage the plan aims for.")
    occupation_field: OccupationField | None = Field(
        default=None, description="Occupation field aimed at, if already chosen."
    )


class Constraints(ContractModel):
    """Facts that rule offers in or out."""

    childcare_needed: bool = Field(description="Participation needs childcare to be arranged.")
    employment_ban: bool = Field(
        description="A ban on employment applies (excludes F2 and work placements)."
    )
