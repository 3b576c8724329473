"""The one participant the tests and benchmarks start from; each case overrides what it needs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kette_core.ids import new_participant_id
from kette_workflows.api import ParticipantProfile


def learner_profile(today: date, **overrides: Any) -> ParticipantProfile:
    """A 21-year-old A1 learner in Unna with a Duldung and no certificate, aiming for an
    apprenticeship: the chain opens with a language course and runs for years."""
    fields: dict[str, Any] = {
        "participant_id": new_participant_id(),
        "kommune": "Unna",
        "programme_id": "durchstarten",
        "eligibility_ends_on": today + timedelta(days=6 * 365),
        "residence_status": "duldung",
        "residence_status_expires_on": None,
        "language_level": "A1",
        "school_certificate": "none",
        "vocational_qualification": "none",
        "current_activity": "none",
        "goal": {"target_stage": "apprenticeship"},
        "constraints": {"childcare_needed": False, "employment_ban": False},
        "consent_to_share": True,
    }
    return ParticipantProfile.model_validate(fields | overrides)
