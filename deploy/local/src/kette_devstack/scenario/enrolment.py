"""A cohort member as a caseworker registers them in intake: invented personal data, the
member's pseudonymous profile, and a birth date that gives the member's eligibility end."""

from __future__ import annotations

import calendar
import random
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
