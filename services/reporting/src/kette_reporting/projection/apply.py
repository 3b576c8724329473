"""Pure: one decoded event in, the rows it adds out (no database, no clock).

Every known event type yields at least one row, so a rebuild can be compared with the live
projection table by table. Rows are insert-only facts keyed by ce_id (or, where one event
states two facts, ce_id plus a suffix), so their order of arrival does not matter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kette_core.contracts import access, chain, deadletter, matching, participants, referrals
from kette_core.contracts.base import EventPayload
from kette_core.envelope import ReceivedEvent

BERLIN = ZoneInfo("Europe/Berlin")
Row = tuple[str, dict[str, Any]]
"""(table name, column values)."""


def local_day(at: datetime) -> date:
    """The calendar day in Germany of an instant, for events that name no date."""
    return at.astimezone(BERLIN).date()


def rows_for(event: ReceivedEvent[EventPayload]) -> list[Row]:
    """The rows an event adds; an event type without a rule of its own becomes a milestone."""
    rule = _RULES.get(type(event.payload))
    if rule is None:
        return [_milestone(event, _short_kind(event.type))]
    return rule(event, event.payload)


def _base(event: ReceivedEvent[Any], day: date | None = None, suffix: str = "") -> dict[str, Any]:
    return {
        "ce_id": event.id + suffix,
        "participant_id": getattr(event.payload, "participant_id", None),
        "at": event.time.astimezone(UTC),
        "day": day or local_day(event.time),
    }


def _short_kind(event_type: str) -> str:
    """`kette.chain.stage_started.v1` -> `stage_started`."""
    parts = event_type.split(".")
    return parts[2] if len(parts) >= 4 else event_type


def _milestone(
    event: ReceivedEvent[Any],
    kind: str,
    *,
    day: date | None = None,
    stage: str | None = None,
    module: str | None = None,
    reason: str | None = None,
    value: str | None = None,
    suffix: str = "",
) -> Row:
    return (
        "milestone",
        {
            **_base(event, day, suffix),
            "kind": kind,
            "stage": stage,
            "module": module,
            "reason": reason,
            "value": value,
        },
    )


def _level(event: ReceivedEvent[Any], level: str | None, day: date | None = None) -> list[Row]:
    """A German level stated by an event, as its own `language_level` fact."""
    if level is None:
        return []
    return [_milestone(event, "language_level", day=day, value=level, suffix="#level")]


def _registered(event: ReceivedEvent[Any], p: participants.ParticipantRegistered) -> list[Row]:
    values = {
        **_base(event, p.registered_on),
        "ki_id": p.ki_id,
        "kommune": p.kommune,
        "programme_id": p.programme_id,
        "age_band": p.age_band.value,
        "gender": p.gender.value,
        "residence_status": p.residence_status.value,
        "language_level": p.language_level.value,
        "activity": p.current_activity.value,
        "goal_stage": p.goal.target_stage.value,
    }
    return [("registration", values)]


def _approached(event: ReceivedEvent[Any], p: participants.ParticipantApproached) -> list[Row]:
    values = {
        **_base(event, p.approached_on),
        "kommune": p.kommune,
        "channel": p.channel.value,
        "outcome": p.outcome.value,
        "age_band": p.age_band.value if p.age_band else None,
        "gender": p.gender.value,
        "residence_status": p.residence_status.value if p.residence_status else None,
    }
    return [("approach", values)]


def _residence(event: ReceivedEvent[Any], p: participants.ResidenceStatusChanged) -> list[Row]:
    reason = "removal_ordered" if p.removal_ordered else None
    kind = "residence_status"
    return [_milestone(event, kind, day=p.changed_on, value=p.new_status.value, reason=reason)]


def _profile(event: ReceivedEvent[Any], p: participants.ProfileUpdated) -> list[Row]:
    activity = p.current_activity.value if p.current_activity else None
    row = _milestone(event, "profile_updated", day=p.updated_on, value=activity)
    return [row, *_level(event, p.language_level.value if p.language_level else None, p.updated_on)]


def _consent(event: ReceivedEvent[Any], p: EventPayload) -> list[Row]:
    if isinstance(p, participants.ConsentGiven):
        return [_milestone(event, "consent_given", day=p.given_on)]
    assert isinstance(p, participants.ConsentWithdrawn)
    return [_milestone(event, "consent_withdrawn", day=p.withdrawn_on)]


def _chain_started(event: ReceivedEvent[Any], p: chain.ChainStarted) -> list[Row]:
    goal = p.goal_stage.value if p.goal_stage else p.plan[-1].stage.value
    return [_milestone(event, "chain_started", value=goal)]


def _stage_started(event: ReceivedEvent[Any], p: chain.StageStarted) -> list[Row]:
    return [_milestone(event, "stage_started", stage=p.stage.value, value=str(p.attempt))]


def _stage_completed(event: ReceivedEvent[Any], p: chain.StageCompleted) -> list[Row]:
    after = p.activity_after.value if p.activity_after else None
    kind = "stage_completed"
    return [_milestone(event, kind, day=p.completed_on, stage=p.stage.value, value=after)]


def _stage_skipped(event: ReceivedEvent[Any], p: chain.StageSkipped) -> list[Row]:
    reason = p.skip_reason.value if p.skip_reason else p.reason.value
    return [_milestone(event, "stage_skipped", stage=p.stage.value, reason=reason)]


def _closed(event: ReceivedEvent[Any], p: chain.ChainClosed) -> list[Row]:
    stage = p.last_stage.value if p.last_stage else None
    exit_activity = p.activity_at_exit.value
    row = _milestone(
        event,
        "chain_closed",
        day=p.closed_on,
        stage=stage,
        reason=p.reason.value,
        value=exit_activity,
    )
    return [row]


def _paused(event: ReceivedEvent[Any], p: chain.ChainPaused) -> list[Row]:
    return [_milestone(event, "paused", day=p.paused_on, reason=p.reason.value)]


def _resumed(event: ReceivedEvent[Any], p: chain.ChainResumed) -> list[Row]:
    return [_milestone(event, "resumed", day=p.resumed_on)]


def _job_started(event: ReceivedEvent[Any], p: chain.JobStarted) -> list[Row]:
    return [_milestone(event, "job_started", day=p.started_on)]


def _follow_up(event: ReceivedEvent[Any], p: chain.FollowUpRecorded) -> list[Row]:
    value = "employed" if p.still_employed else "not_employed"
    return [_milestone(event, "follow_up", value=value)]


def _requested(event: ReceivedEvent[Any], p: chain.ReferralRequested) -> list[Row]:
    kind = "referral_requested"
    return [_milestone(event, kind, stage=p.stage.value, module=p.module.value)]


def _outcome(event: ReceivedEvent[Any], p: chain.OutcomeRecorded) -> list[Row]:
    day = p.occurred_on or p.recorded_on
    row = _milestone(
        event, "outcome", day=day, stage=p.stage.value, reason=p.source.value, value=p.outcome.value
    )
    level = p.language_level_reached.value if p.language_level_reached else None
    return [row, *_level(event, level, day)]


def _facts(event: ReceivedEvent[Any], p: chain.ProfileFactsUpdated) -> list[Row]:
    level = p.language_level.value if p.language_level else None
    return [_milestone(event, "profile_facts_updated"), *_level(event, level)]


def _confirmed(event: ReceivedEvent[Any], p: chain.ReferralConfirmed) -> list[Row]:
    values = {
        **_base(event),
        "referral_id": p.referral_id,
        "provider_id": p.provider_id,
        "offer_id": p.offer_id,
        "stage": p.stage.value,
        "module": p.module.value,
        "response_due": p.response_due,
    }
    return [("referral", values)]


def _withdrawn(event: ReceivedEvent[Any], p: chain.ReferralWithdrawn) -> list[Row]:
    return [_report(event, p.referral_id, p.provider_id, "withdrawn", None, reason=p.reason.value)]


def _report(
    event: ReceivedEvent[Any],
    referral_id: str,
    provider_id: str | None,
    kind: str,
    day: date | None,
    *,
    reason: str | None = None,
    hours: tuple[float, float] | None = None,
) -> Row:
    values = {
        **_base(event, day),
        "referral_id": referral_id,
        "provider_id": provider_id,
        "kind": kind,
        "reason": reason,
        "attended_hours": hours[0] if hours else None,
        "planned_hours": hours[1] if hours else None,
    }
    return ("referral_report", values)


def _provider_report(event: ReceivedEvent[Any], p: referrals.ProviderReport) -> list[Row]:
    kind = _short_kind(event.type)
    reason: str | None = None
    hours: tuple[float, float] | None = None
    level: str | None = None
    if isinstance(p, referrals.ReferralRejected | referrals.ParticipantDroppedOut):
        reason = p.reason.value
    elif isinstance(p, referrals.AttendanceReported):
        hours = (p.attended_hours, p.planned_hours)
    elif isinstance(p, referrals.ExamResultReported):
        reason = f"{p.exam.value}:{'passed' if p.passed else 'failed'}"
        level = p.language_level_reached.value if p.passed and p.language_level_reached else None
    elif isinstance(p, referrals.ReferralCompleted) and p.language_level_reached:
        level = p.language_level_reached.value
    day = p.occurred_on
    row = _report(event, p.referral_id, p.provider_id, kind, day, reason=reason, hours=hours)
    return [row, *_level(event, level, p.occurred_on)]


def _no_offer(event: ReceivedEvent[Any], p: matching.NoOfferFound) -> list[Row]:
    values = {
        **_base(event),
        "request_id": p.request_id,
        "kommune": p.kommune,
        "stage": p.stage.value,
        "module": p.module.value,
        "reasons": ",".join(reason.value for reason in p.gap_reasons),
    }
    return [("gap", values)]


def _proposed(event: ReceivedEvent[Any], p: matching.OffersProposed) -> list[Row]:
    count = str(len(p.proposals))
    return [
        _milestone(
            event, "offers_proposed", stage=p.stage.value, module=p.module.value, value=count
        )
    ]


def _pii_read(event: ReceivedEvent[Any], p: access.PiiRead) -> list[Row]:
    values = {
        **_base(event),
        "actor_role": p.actor.role.value,
        "actor_id": p.actor.actor_id,
        "purpose": p.purpose.value,
        "fields": ",".join(field.value for field in p.fields_read),
        "via_service": p.via_service,
    }
    return [("pii_read", values)]


def _dead_letter(event: ReceivedEvent[Any], p: deadletter.DeadLetterRecorded) -> list[Row]:
    values = {
        **_base(event),
        "original_topic": p.original_topic,
        "original_partition": p.original_partition,
        "original_offset": p.original_offset,
        "consumer_group": p.consumer_group,
        "original_ce_type": p.original_ce_type,
        "original_ce_id": p.original_ce_id,
        "reason": p.reason,
        "value_sha256": p.value_sha256,
    }
    return [("dead_letter", values)]


_PROVIDER_REPORTS = (
    referrals.ReferralAccepted,
    referrals.ReferralRejected,
    referrals.ParticipantEnrolled,
    referrals.AttendanceReported,
    referrals.ExamResultReported,
    referrals.ReferralCompleted,
    referrals.ParticipantDroppedOut,
)
_RULES: dict[type[EventPayload], Callable[[ReceivedEvent[Any], Any], list[Row]]] = {
    participants.ParticipantRegistered: _registered,
    participants.ParticipantApproached: _approached,
    participants.ResidenceStatusChanged: _residence,
    participants.ProfileUpdated: _profile,
    participants.ConsentGiven: _consent,
    participants.ConsentWithdrawn: _consent,
    chain.ChainStarted: _chain_started,
    chain.StageStarted: _stage_started,
    chain.StageCompleted: _stage_completed,
    chain.StageSkipped: _stage_skipped,
    chain.ChainClosed: _closed,
    chain.ChainPaused: _paused,
    chain.ChainResumed: _resumed,
    chain.JobStarted: _job_started,
    chain.FollowUpRecorded: _follow_up,
    chain.ReferralRequested: _requested,
    chain.OutcomeRecorded: _outcome,
    chain.ProfileFactsUpdated: _facts,
    chain.ReferralConfirmed: _confirmed,
    chain.ReferralWithdrawn: _withdrawn,
    matching.NoOfferFound: _no_offer,
    matching.OffersProposed: _proposed,
    access.PiiRead: _pii_read,
    deadletter.DeadLetterRecorded: _dead_letter,
    **{model: _provider_report for model in _PROVIDER_REPORTS},
}
