"""A cohort member as a caseworker registers them in intake: invented personal data, the
member's pseudonymous profile, and a birth date that gives the member's eligibility end.
Besides the cohort, a few people whose cases the demo leaves open for a caseworker."""

from __future__ import annotations

import calendar
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kette_core.contracts.vocabulary import Gender
from kette_devstack.scenario.cohort import CohortMember

_PEOPLE: tuple[
    tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...
] = (
    (
        "Syrian",
        ("Arabic", "Kurdish"),
        ("Ahmad", "Mohammad", "Omar", "Karam", "Yousef"),
        ("Rama", "Hiba", "Nour", "Aya"),
        ("Haddad", "Al-Khatib", "Darwish", "Sulaiman", "Hamdan"),
    ),
    (
        "Afghan",
        ("Dari", "Pashto"),
        ("Ali", "Farid", "Mustafa", "Jawad"),
        ("Zahra", "Maryam", "Fatima", "Parwana"),
        ("Ahmadi", "Rahimi", "Karimi", "Hosseini", "Noori"),
    ),
    (
        "Eritrean",
        ("Tigrinya", "Arabic"),
        ("Yonas", "Dawit", "Samuel", "Filmon"),
        ("Senait", "Helen", "Luwam", "Selam"),
        ("Tesfay", "Gebremedhin", "Haile", "Kidane"),
    ),
    (
        "Guinean",
        ("French", "Fula"),
        ("Mamadou", "Ibrahima", "Alpha", "Ousmane"),
        ("Aissatou", "Mariama", "Kadiatou", "Fatoumata"),
        ("Diallo", "Barry", "Bah", "Camara", "Sow"),
    ),
    (
        "Iraqi",
        ("Arabic", "Kurdish"),
        ("Hassan", "Mahmoud", "Ziad", "Rawand"),
        ("Shilan", "Dilan", "Rozhin", "Sara"),
        ("Jaber", "Aziz", "Saleh", "Mirza"),
    ),
)


def intake_registration(member: CohortMember) -> dict[str, Any]:
    """The body of POST /api/participants; the same member always gives the same body."""
    registration = member.registration
    rng = random.Random(registration.participant_id)
    nationality, languages, men, women, families = rng.choice(_PEOPLE)
    given = rng.choice(women if registration.gender == Gender.FEMALE else men)
    profile = registration.model_dump(
        mode="json",
        include={
            "gender",
            "residence_status",
            "residence_status_expires_on",
            "language_level",
            "school_certificate",
            "vocational_qualification",
            "current_activity",
            "goal",
            "constraints",
        },
    )
    return {
        "kommune": registration.kommune,
        "personal": {
            "given_name": given,
            "family_name": rng.choice(families),
            "birth_date": birth_date(registration.eligibility_ends_on, rng).isoformat(),
            "phone": f"+49 2303 {rng.randrange(100000, 999999)}",
            "nationality": nationality,
            "languages_spoken": list(languages),
        },
        "profile": profile,
        "consent_to_share": registration.consent_to_share,
        # the cohort's people are distinct by construction; a same-named pair is two people
        "confirmed_not_duplicate": True,
    }


def birth_date(eligibility_ends_on: date | None, rng: random.Random) -> date:
    """A day in the month 27 years before the eligibility end: intake derives the same end."""
    if eligibility_ends_on is None:
        raise ValueError("a cohort member always has an eligibility end")
    year, month = eligibility_ends_on.year - 27, eligibility_ends_on.month
    return date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class OpenCase:
    """A person registered but left to the caseworker: no script decides for them."""

    kommune: str
    idempotency_key: str
    body: dict[str, Any]


OPEN_CASE_KOMMUNEN = ("Kamen", "Unna")
"""Where the demo leaves a case open: the towns whose caseworker the README's walk-through uses."""


def open_cases(
    seed: int, today: date, kommunen: Sequence[str] = OPEN_CASE_KOMMUNEN
) -> list[OpenCase]:
    """One eligible newcomer per Kommune, the same for the same seed and day: registered after
    the cohort, their chain starts and matching proposes offers, and there it waits, so after
    `make demo` a caseworker finds an open case with offers to confirm, change or close."""
    cases = []
    for index, kommune in enumerate(kommunen):
        rng = random.Random(f"open-case-{seed}-{today.isoformat()}-{index}")
        nationality, languages, men, women, families = rng.choice(_PEOPLE)
        female = rng.random() < 0.5
        year = today.year - rng.randint(19, 23)
        born = date(year, rng.randint(1, 12), rng.randint(1, 28))
        body = {
            "kommune": kommune,
            "personal": {
                "given_name": rng.choice(women if female else men),
                "family_name": rng.choice(families),
                "birth_date": born.isoformat(),
                "phone": f"+49 2303 {rng.randrange(100000, 999999)}",
                "nationality": nationality,
                "languages_spoken": list(languages),
            },
            "profile": {
                "gender": "female" if female else "male",
                "residence_status": "aufenthaltsgestattung",
                "language_level": rng.choice(("A1", "A2")),
                "school_certificate": "none",
                "current_activity": "none",
                "goal": {"target_stage": "apprenticeship"},
                "constraints": {"childcare_needed": False, "employment_ban": False},
            },
            "consent_to_share": True,
            "confirmed_not_duplicate": True,
        }
        key = f"scenario-open-{seed}-{today.isoformat()}-{index}"
        cases.append(OpenCase(kommune=kommune, idempotency_key=key, body=body))
    return cases
