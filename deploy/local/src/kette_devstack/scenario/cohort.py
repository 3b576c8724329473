"""A realistic Kreis Unna cohort as registrations: deterministic, no birth dates."""

from __future__ import annotations

import calendar
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from kette_core.contracts.participants import ParticipantRegistered
from kette_core.contracts.vocabulary import (
    Activity,
    Actor,
    ActorRole,
    AgeBand,
    Constraints,
    Gender,
    Goal,
    LanguageLevel,
    OccupationField,
    ResidenceStatus,
    SchoolCertificate,
    Stage,
    VocationalQualification,
)
from kette_devstack.scenario.catalogue import KREIS_UNNA_TOWNS

KI_ID = "ki-kreis-unna"
PROGRAMME_ID = "durchstarten"


@dataclass(frozen=True)
class Persona:
    """A kind of person the KI meets; `label_de` is what the live board shows."""

    key: str
    label_de: str
    kommune: str | None
    age_band: AgeBand
    gender: Gender
    residence_status: ResidenceStatus
    language_level: LanguageLevel
    school_certificate: SchoolCertificate
    goal: Goal
    vocational_qualification: VocationalQualification = VocationalQualification.NONE
    current_activity: Activity = Activity.NONE
    childcare_needed: bool = False
    employment_ban: bool = False
    months_to_27: int | None = None
    """Months until the month of the 27th birthday; None draws one that fits the age band."""
    residence_days_left: int | None = None
    """Days until the Duldung or Gestattung runs out; None draws a usual 3 to 6 months."""


def _goal(stage: Stage, occupation: OccupationField | None = None) -> Goal:
    return Goal(target_stage=stage, occupation_field=occupation)


ARCHETYPES: tuple[Persona, ...] = (
    Persona(
        key="trained_worker",
        label_de="Fachkraft mit ausländischem Berufsabschluss, B1: direkt in Arbeit",
        kommune="Bönen",
        age_band=AgeBand.AGE_24_27,
        gender=Gender.MALE,
        residence_status=ResidenceStatus.DULDUNG,
        language_level=LanguageLevel.B1,
        school_certificate=SchoolCertificate.FOREIGN_RECOGNISED,
        vocational_qualification=VocationalQualification.FOREIGN,
        goal=_goal(Stage.JOB, OccupationField.LOGISTICS_SECURITY),
        months_to_27=30,
    ),
    Persona(
        key="a1_learner",
        label_de="A1, ohne Schulabschluss: Sprache, Schule, Ausbildung, Arbeit",
        kommune="Lünen",
        age_band=AgeBand.AGE_18_20,
        gender=Gender.MALE,
        residence_status=ResidenceStatus.DULDUNG,
        language_level=LanguageLevel.A1,
        school_certificate=SchoolCertificate.NONE,
        goal=_goal(Stage.APPRENTICESHIP, OccupationField.PRODUCTION),
    ),
    Persona(
        key="apprentice",
        label_de="Bereits in Ausbildung, A2: Sprachförderung F2 und Coaching",
        kommune="Kamen",
        age_band=AgeBand.AGE_21_23,
        gender=Gender.MALE,
        residence_status=ResidenceStatus.AUSBILDUNGSDULDUNG,
        language_level=LanguageLevel.A2,
        school_certificate=SchoolCertificate.FOREIGN_RECOGNISED,
        current_activity=Activity.APPRENTICESHIP,
        goal=_goal(Stage.APPRENTICESHIP, OccupationField.CONSTRUCTION),
    ),
    Persona(
        key="turning_27",
        label_de="Wird bald 27: Ausnahme von der Altersgrenze",
        kommune="Unna",
        age_band=AgeBand.AGE_24_27,
        gender=Gender.MALE,
        residence_status=ResidenceStatus.DULDUNG,
        language_level=LanguageLevel.A2,
        school_certificate=SchoolCertificate.FOREIGN_UNRECOGNISED,
        goal=_goal(Stage.JOB, OccupationField.COMMERCE_HOSPITALITY),
        months_to_27=2,
    ),
    Persona(
        key="mother_childcare",
        label_de="Mutter, braucht Kinderbetreuung: Sprache und Schulabschluss",
        kommune="Werne",
        age_band=AgeBand.AGE_21_23,
        gender=Gender.FEMALE,
        residence_status=ResidenceStatus.DULDUNG,
        language_level=LanguageLevel.A1,
        school_certificate=SchoolCertificate.NONE,
        goal=_goal(Stage.SCHOOL),
        childcare_needed=True,
    ),
    Persona(
        key="gestattung",
        label_de="Aufenthaltsgestattung läuft bald ab: Sprache, Ausbildung",
        kommune="Holzwickede",
        age_band=AgeBand.AGE_18_20,
        gender=Gender.FEMALE,
        residence_status=ResidenceStatus.AUFENTHALTSGESTATTUNG,
        language_level=LanguageLevel.A2,
        school_certificate=SchoolCertificate.FOREIGN_RECOGNISED,
        goal=_goal(Stage.APPRENTICESHIP, OccupationField.HEALTH_SOCIAL_EDUCATION),
        residence_days_left=45,
    ),
    Persona(
        key="eu_citizen",
        label_de="EU-Bürger ohne SGB-Anspruch, A2: in Arbeit",
        kommune="Schwerte",
        age_band=AgeBand.AGE_21_23,
        gender=Gender.MALE,
        residence_status=ResidenceStatus.EU_CITIZEN,
        language_level=LanguageLevel.A2,
        school_certificate=SchoolCertificate.NONE,
        goal=_goal(Stage.JOB, OccupationField.HEALTH_SOCIAL_EDUCATION),
    ),
    Persona(
        key="employment_ban",
        label_de="Beschäftigungsverbot: Sprache und Schule, Ausbildung nicht erlaubt",
        kommune="Selm",
        age_band=AgeBand.AGE_18_20,
        gender=Gender.MALE,
        residence_status=ResidenceStatus.DULDUNG,
        language_level=LanguageLevel.A1,
        school_certificate=SchoolCertificate.NONE,
        goal=_goal(Stage.APPRENTICESHIP),
        employment_ban=True,
    ),
    Persona(
        key="certificate_recognition",
        label_de="Ausländisches Zeugnis: Anerkennung, dann Ausbildung",
        kommune="Bergkamen",
        age_band=AgeBand.AGE_21_23,
        gender=Gender.FEMALE,
        residence_status=ResidenceStatus.DULDUNG,
        language_level=LanguageLevel.B1,
        school_certificate=SchoolCertificate.FOREIGN_UNRECOGNISED,
        goal=_goal(Stage.APPRENTICESHIP, OccupationField.COMMERCE_HOSPITALITY),
    ),
    Persona(
        key="already_working",
        label_de="Bereits in Arbeit: berufsbegleitende Sprachförderung",
        kommune="Fröndenberg/Ruhr",
        age_band=AgeBand.AGE_24_27,
        gender=Gender.MALE,
        residence_status=ResidenceStatus.BESCHAEFTIGUNGSDULDUNG,
        language_level=LanguageLevel.A1,
        school_certificate=SchoolCertificate.NONE,
        current_activity=Activity.WORK,
        goal=_goal(Stage.JOB, OccupationField.PRODUCTION),
        months_to_27=34,
    ),
)
"""Profiles from DOMAIN.md; a cohort starts with these, in this order."""

ARCHETYPES_BY_KEY = {persona.key: persona for persona in ARCHETYPES}

_MONTHS_TO_27: dict[AgeBand, tuple[int, int]] = {
    AgeBand.AGE_18_20: (6 * 12 + 1, 9 * 12 - 1),
    AgeBand.AGE_21_23: (3 * 12 + 1, 6 * 12 - 1),
    AgeBand.AGE_24_27: (6, 3 * 12 - 1),
}
"""Months to the 27th birthday month that put a person inside the band's ages, so the birth
date intake derives from it (see `enrolment`) gives the same band."""


@dataclass(frozen=True)
class CohortMember:
    """One registered person: the event payload and the persona it came from (not published)."""

    persona: Persona
    registration: ParticipantRegistered

    @property
    def participant_id(self) -> str:
        return self.registration.participant_id


@dataclass
class Cohort:
    """The cohort in registration order."""

    seed: int
    members: list[CohortMember] = field(default_factory=list)

    def participant_ids(self) -> list[str]:
        return [member.participant_id for member in self.members]

    def by_participant(self) -> dict[str, CohortMember]:
        return {member.participant_id: member for member in self.members}

    def rebind(self, index: int, participant_id: str) -> None:
        """The id intake gave the member's registration replaces the one drawn for it."""
        member = self.members[index]
        registration = member.registration.model_copy(update={"participant_id": participant_id})
        self.members[index] = CohortMember(persona=member.persona, registration=registration)


def last_day_of_month(day: date) -> date:
    """Eligibility runs to the end of the month in which the person turns 27."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_after(day: date, months: int) -> date:
    """Some day in the month `months` after `day`'s month."""
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


_UMLAUTS = str.maketrans({"ö": "oe", "ü": "ue", "ä": "ae", "ß": "ss"})


def caseworker_for(kommune: str) -> str:
    """One pseudonymous caseworker per town (`cw-unna-1`), as the KI assigns them."""
    slug = kommune.lower().translate(_UMLAUTS)
    slug = re.sub(r"[^a-z0-9]+", "-", slug.split("/")[0]).strip("-")
    return f"cw-{slug}-1"


_LEVEL_DE = {
    LanguageLevel.NONE: "ohne Deutschkenntnisse",
    LanguageLevel.A1: "A1",
    LanguageLevel.A2: "A2",
}
_STAGE_DE = {
    Stage.LANGUAGE: "Sprache",
    Stage.SCHOOL: "Schulabschluss",
    Stage.APPRENTICESHIP: "Ausbildung",
    Stage.JOB: "Arbeit",
}


def _random_persona(rng: random.Random) -> Persona:
    """A further learner, mixed like a real caseload: mostly A1/A2, Duldung first."""
    level = rng.choice([LanguageLevel.NONE, LanguageLevel.A1, LanguageLevel.A1, LanguageLevel.A2])
    certificate = rng.choice(
        [SchoolCertificate.NONE, SchoolCertificate.NONE, SchoolCertificate.FOREIGN_RECOGNISED]
    )
    goals = [Stage.APPRENTICESHIP, Stage.APPRENTICESHIP, Stage.JOB]
    if certificate == SchoolCertificate.NONE:
        goals.append(Stage.SCHOOL)
    goal_stage = rng.choice(goals)
    status = rng.choice([ResidenceStatus.DULDUNG] * 3 + [ResidenceStatus.AUFENTHALTSGESTATTUNG])
    gender = rng.choice([Gender.MALE, Gender.MALE, Gender.FEMALE])
    return Persona(
        key="learner",
        label_de=f"Lernende(r), {_LEVEL_DE[level]}, Ziel {_STAGE_DE[goal_stage]}",
        kommune=None,
        age_band=rng.choice([AgeBand.AGE_18_20, AgeBand.AGE_18_20, AgeBand.AGE_21_23]),
        gender=gender,
        residence_status=status,
        language_level=level,
        school_certificate=certificate,
        goal=_goal(goal_stage, rng.choice([None, *OccupationField])),
        childcare_needed=gender == Gender.FEMALE and rng.random() < 0.3,
    )


def _registration(
    persona: Persona, rng: random.Random, registered_on: date, participant_id: str
) -> ParticipantRegistered:
    kommune = persona.kommune or rng.choice(KREIS_UNNA_TOWNS)
    low, high = _MONTHS_TO_27.get(persona.age_band, (24, 60))
    months = persona.months_to_27 if persona.months_to_27 is not None else rng.randint(low, high)
    expires_on = None
    if persona.residence_status not in (ResidenceStatus.EU_CITIZEN, ResidenceStatus.OTHER):
        days = persona.residence_days_left or rng.randint(90, 180)
        expires_on = registered_on + timedelta(days=days)
    return ParticipantRegistered(
        participant_id=participant_id,
        ki_id=KI_ID,
        kommune=kommune,
        programme_id=PROGRAMME_ID,
        registered_on=registered_on,
        age_band=persona.age_band,
        eligibility_ends_on=last_day_of_month(month_after(registered_on, months)),
        gender=persona.gender,
        residence_status=persona.residence_status,
        residence_status_expires_on=expires_on,
        language_level=persona.language_level,
        school_certificate=persona.school_certificate,
        vocational_qualification=persona.vocational_qualification,
        current_activity=persona.current_activity,
        goal=persona.goal,
        constraints=Constraints(
            childcare_needed=persona.childcare_needed, employment_ban=persona.employment_ban
        ),
        consent_to_share=True,
        registered_by=Actor(role=ActorRole.CASEWORKER, actor_id=caseworker_for(kommune)),
    )


def build_cohort(
    size: int,
    seed: int,
    registered_on: date,
    personas: tuple[Persona, ...] = ARCHETYPES,
    extra: Callable[[random.Random], Persona] = _random_persona,
) -> Cohort:
    """The archetypes first, then further learners; the same seed gives the same cohort."""
    if size < 1:
        raise ValueError("a cohort needs at least one participant")
    rng = random.Random(seed)
    cohort = Cohort(seed=seed)
    for index in range(size):
        persona = personas[index] if index < len(personas) else extra(rng)
        participant_id = f"p-{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        registration = _registration(persona, rng, registered_on, participant_id)
        cohort.members.append(CohortMember(persona=persona, registration=registration))
    return cohort
