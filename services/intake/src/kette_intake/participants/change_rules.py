"""Pure rules of a change: what it changes, whether it is allowed, which event says so."""

from __future__ import annotations

from datetime import date
from typing import Any

from kette_core.contracts.participants import (
    ConsentGiven,
    ConsentWithdrawn,
    ProfileUpdated,
    ResidenceStatusChanged,
)
from kette_core.contracts.vocabulary import Actor
from kette_intake.errors import Problem
from kette_intake.participants.change_schemas import (
    ConsentGrant,
    ConsentView,
    ConsentWithdrawal,
    PersonalChanges,
    ProfileChanges,
    ResidenceStatusChange,
)
from kette_intake.participants.schemas import PersonalData, Profile

ChangeEvent = ResidenceStatusChanged | ProfileUpdated
"""The events a recorded change publishes (consents have their own)."""
_REQUIRED_PERSONAL = frozenset({"given_name", "family_name", "nationality", "languages_spoken"})
_PROFILE_EVENT_FIELDS = frozenset(ProfileUpdated.model_fields) - {
    "participant_id",
    "updated_on",
    "updated_by",
}


def residence_problems(change: ResidenceStatusChange, today: date) -> list[Problem]:
    """A change takes effect no later than today and expires after it takes effect."""
    problems = []
    if change.changed_on > today:
        problems.append(Problem(field="changed_on", reason="lies in the future"))
    if change.expires_on is not None and change.expires_on < change.changed_on:
        problems.append(Problem(field="expires_on", reason="lies before changed_on"))
    return problems


def residence_conflicts(profile: Profile, change: ResidenceStatusChange) -> list[Problem]:
    """A change must change something (a repeated removal order still counts)."""
    unchanged = (change.new_status, change.expires_on) == (
        profile.residence_status,
        profile.residence_status_expires_on,
    )
    if unchanged and not change.removal_ordered:
        reason = f"{change.new_status} with this expiry is already the recorded status"
        return [Problem(field="new_status", reason=reason)]
    return []


def residence_event(
    participant_id: str, profile: Profile, change: ResidenceStatusChange, actor: Actor
) -> ResidenceStatusChanged:
    """The change as the chain needs it: status classes and days, nothing personal."""
    return ResidenceStatusChanged(
        participant_id=participant_id,
        previous_status=profile.residence_status,
        new_status=change.new_status,
        permit_basis=change.permit_basis,
        expires_on=change.expires_on,
        removal_ordered=change.removal_ordered,
        changed_on=change.changed_on,
        recorded_by=actor,
    )


def unchanged_problems(changes: ProfileChanges) -> list[Problem]:
    """Why a profile change that changes nothing is refused: each field sent, or the whole."""
    sent = sorted(name for name in changes.model_fields_set if getattr(changes, name) is not None)
    reason = "is already the recorded value"
    return [Problem(field=name, reason=reason) for name in sent] or [
        Problem(field="profile", reason="the changes change nothing")
    ]


def profile_diff(profile: Profile, changes: ProfileChanges) -> dict[str, Any]:
    """The sent fields whose value differs from the profile, as JSON values."""
    current = profile.model_dump(mode="json")
    sent = changes.model_dump(mode="json", include=changes.model_fields_set)
    return {
        name: value for name, value in sent.items() if value is not None and value != current[name]
    }


def profile_event(
    participant_id: str, diff: dict[str, Any], actor: Actor, today: date
) -> ProfileUpdated | None:
    """The changed facts the contract carries; None when only intake's own facts changed."""
    carried = {name: value for name, value in diff.items() if name in _PROFILE_EVENT_FIELDS}
    if not carried:
        return None
    return ProfileUpdated.model_validate(
        {"participant_id": participant_id, "updated_on": today, "updated_by": actor, **carried}
    )


def personal_after(
    personal: PersonalData, changes: PersonalChanges
) -> tuple[PersonalData, list[str], list[Problem]]:
    """The corrected data, the names of the fields that changed, and what is refused."""
    sent = changes.model_dump(include=changes.model_fields_set)
    problems = [
        Problem(field=f"personal.{name}", reason="is required and cannot be removed")
        for name, value in sent.items()
        if value is None and name in _REQUIRED_PERSONAL
    ]
    current = personal.model_dump()
    changed = sorted(name for name, value in sent.items() if value != current[name])
    if not problems and not changed:
        problems.append(Problem(field="personal", reason="the changes change nothing"))
    after = PersonalData.model_validate({**current, **sent}) if not problems else personal
    return after, changed, problems


def consent_given(participant_id: str, grant: ConsentGrant, actor: Actor) -> ConsentGiven:
    """Sharing may start or resume."""
    return ConsentGiven(
        participant_id=participant_id,
        scope=grant.scope,
        given_on=grant.given_on,
        text_version=grant.text_version,
        recorded_by=actor,
    )


def consent_problems(grant: ConsentGrant, today: date) -> list[Problem]:
    """Consent is signed no later than today."""
    if grant.given_on > today:
        return [Problem(field="given_on", reason="lies in the future")]
    return []


def consent_conflicts(consents: list[ConsentView], grant: ConsentGrant) -> list[Problem]:
    """One consent in force per scope."""
    return [
        Problem(
            field="scope",
            reason=f"consent for {grant.scope} is already given (on {consent.given_on})",
        )
        for consent in consents
        if consent.scope == grant.scope and consent.active
    ]


def withdrawal_problems(
    consent: ConsentView | None, withdrawal: ConsentWithdrawal, today: date
) -> list[Problem]:
    """Only a given consent can be withdrawn, on or after the day it was given."""
    if consent is None:
        return [Problem(field="scope", reason="no consent for this scope is in force")]
    if withdrawal.withdrawn_on > today:
        return [Problem(field="withdrawn_on", reason="lies in the future")]
    if withdrawal.withdrawn_on < consent.given_on:
        reason = f"lies before the consent was given ({consent.given_on})"
        return [Problem(field="withdrawn_on", reason=reason)]
    return []


def consent_withdrawn(
    participant_id: str, consent: ConsentView, withdrawal: ConsentWithdrawal, actor: Actor
) -> ConsentWithdrawn:
    """Sharing stops."""
    return ConsentWithdrawn(
        participant_id=participant_id,
        scope=consent.scope,
        withdrawn_on=withdrawal.withdrawn_on,
        recorded_by=actor,
    )
