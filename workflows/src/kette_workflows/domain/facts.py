"""The facts programme rules may read: a fixed list, so data files cannot reach anything else."""

from __future__ import annotations

from kette_core.contracts.vocabulary import LanguageLevel, language_rank
from kette_workflows.domain.conditions import FactValue
from kette_workflows.domain.profile import ParticipantProfile

PROFILE_FACTS: tuple[str, ...] = (
    "kommune",
    "residence_status",
    "language_level",
    "school_certificate",
    "vocational_qualification",
    "current_activity",
    "goal_stage",
    "childcare_needed",
    "employment_ban",
    "consent_to_share",
    "has_eligibility_exception",
)
LANGUAGE_FACTS: tuple[str, ...] = (
    "language_floor",
    "language_target",
    "language_floor_met",
    "language_target_met",
)
FACT_NAMES: frozenset[str] = frozenset(PROFILE_FACTS + LANGUAGE_FACTS)


def profile_facts(profile: ParticipantProfile) -> dict[str, FactValue]:
    """Flatten the profile into plain values the condition language compares."""
    return {
        "kommune": profile.kommune,
        "residence_status": profile.residence_status.value,
        "language_level": profile.language_level.value,
        "school_certificate": profile.school_certificate.value,
        "vocational_qualification": profile.vocational_qualification.value,
        "current_activity": profile.current_activity.value,
        "goal_stage": profile.goal.target_stage.value,
        "childcare_needed": profile.constraints.childcare_needed,
        "employment_ban": profile.constraints.employment_ban,
        "consent_to_share": profile.consent_to_share,
        "has_eligibility_exception": profile.eligibility_exception is not None,
    }


def language_facts(
    level: LanguageLevel, floor: LanguageLevel | None, target: LanguageLevel | None
) -> dict[str, FactValue]:
    """Whether the person already reaches what the later stages need."""
    return {
        "language_floor": floor.value if floor else None,
        "language_target": target.value if target else None,
        "language_floor_met": floor is None or language_rank(level) >= language_rank(floor),
        "language_target_met": target is None or language_rank(level) >= language_rank(target),
    }
