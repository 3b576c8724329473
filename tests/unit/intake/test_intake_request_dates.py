"""Every day a request carries is an ISO date: a JSON number (seconds since 1970) or other text
is refused naming the field, where pydantic's lax mode would have stored some day."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from kette_intake.cases.decisions import DECISION_BODIES
from kette_intake.participants.change_schemas import (
    ConsentGrant,
    ConsentWithdrawal,
    ResidenceStatusChange,
)
from kette_intake.participants.schemas import EligibilityCheck, PersonalData, Profile

PERSONAL = {"given_name": "A", "family_name": "B", "nationality": "Syrian"}
PROFILE = {
    "residence_status": "duldung",
    "language_level": "A2",
    "school_certificate": "none",
    "current_activity": "none",
    "goal": {"target_stage": "apprenticeship"},
    "constraints": {"childcare_needed": False, "employment_ban": False},
}
DAYS: list[tuple[type[BaseModel], dict[str, Any], str]] = [
    (PersonalData, PERSONAL, "birth_date"),
    (EligibilityCheck, {"kommune": "Kamen", "residence_status": "duldung"}, "birth_date"),
    (Profile, PROFILE, "residence_status_expires_on"),
    (ResidenceStatusChange, {"new_status": "duldung"}, "changed_on"),
    (ResidenceStatusChange, {"new_status": "duldung", "changed_on": "2026-03-01"}, "expires_on"),
    (ConsentGrant, {"text_version": "2024-01"}, "given_on"),
    (ConsentWithdrawal, {}, "withdrawn_on"),
    (
        DECISION_BODIES["record_outcome"],
        {"stage": "language", "outcome": "completed"},
        "occurred_on",
    ),
]
NOT_DAYS = [1_772_582_400, 1_772_582_400.5, "1772582400", "04.03.2026", "2026-3-4", True]


@pytest.mark.parametrize(("model", "rest", "field"), DAYS, ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("given", NOT_DAYS, ids=repr)
def test_a_day_given_as_a_number_or_other_text_is_refused_naming_its_field(
    model: type[BaseModel], rest: dict[str, Any], field: str, given: object
) -> None:
    with pytest.raises(ValidationError) as refused:
        model.model_validate({**rest, field: given})

    assert [error["loc"] for error in refused.value.errors()] == [(field,)]


@pytest.mark.parametrize(("model", "rest", "field"), DAYS, ids=lambda v: getattr(v, "__name__", v))
def test_a_day_given_as_yyyy_mm_dd_is_taken(
    model: type[BaseModel], rest: dict[str, Any], field: str
) -> None:
    taken = model.model_validate({**rest, field: "2026-03-04"})

    assert getattr(taken, field) == date(2026, 3, 4)
