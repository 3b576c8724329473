"""A provider report, checked against its referral, becomes one provider-status event."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from kette_core.contracts import referrals as contract
from kette_core.db import insert_unless_present
from kette_core.envelope import new_event, validation_problem
from kette_core.ids import stable_event_id
from kette_core.outbox import add_to_outbox
from kette_provider_gateway.problems import Refused
from kette_provider_gateway.referrals.states import ReferralState, ReportKind, conflict, state_after
from kette_provider_gateway.referrals.tables import ReferralRow
from kette_provider_gateway.reports.models import ReportReceipt
from kette_provider_gateway.reports.tables import ReportRow

CONTRACT: dict[ReportKind, type[contract.ProviderReport]] = {
    ReportKind.ACCEPTED: contract.ReferralAccepted,
    ReportKind.REJECTED: contract.ReferralRejected,
    ReportKind.PLACE_UNAVAILABLE: contract.ReferralRejected,
    ReportKind.ENROLLED: contract.ParticipantEnrolled,
    ReportKind.ATTENDANCE: contract.AttendanceReported,
    ReportKind.EXAM_RESULT: contract.ExamResultReported,
    ReportKind.COMPLETED: contract.ReferralCompleted,
    ReportKind.DROPPED_OUT: contract.ParticipantDroppedOut,
}
"""The provider-status event each report becomes."""
KIND_OF_TYPE = {
    model.event_type: kind
    for kind, model in CONTRACT.items()
    if kind != ReportKind.PLACE_UNAVAILABLE
}
"""On the reports topic a provider writes the contract's events; their report kind."""
_IDS = frozenset({"referral_id", "participant_id", "provider_id", "occurred_on"})


@dataclass(frozen=True)
class Draft:
    """A report as it arrived, over REST or the reports topic, before any check."""

    channel: str
    provider_report_id: str
    referral_id: str
    kind: ReportKind
    occurred_on: date
    fields: dict[str, Any]
    participant_id: str | None = None

    def content_hash(self) -> str:
        """Tells a resend of this report from a different report under the same id."""
        content = [self.kind.value, self.referral_id, self.occurred_on.isoformat(), self.fields]
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def draft_from_event(
    provider_report_id: str, event_type: str, payload: contract.ProviderReport
) -> Draft:
    """A contract event from the provider's reports topic, as a draft like a REST body."""
    return Draft(
        channel="kafka",
        provider_report_id=provider_report_id,
        referral_id=payload.referral_id,
        kind=KIND_OF_TYPE[event_type],
        occurred_on=payload.occurred_on,
        fields=payload.model_dump(mode="json", exclude=set(_IDS)),
        participant_id=payload.participant_id,
    )


def status_event_id(provider_id: str, provider_report_id: str) -> str:
    """The same report from the same provider is the same event, over any channel."""
    return stable_event_id("kette.provider-status", provider_id, provider_report_id)


async def accept(
    session: AsyncSession,
    provider_id: str,
    draft: Draft,
    *,
    source: str,
    topic: str,
    now: datetime,
) -> ReportReceipt:
    """Check ownership and state, then stage event, report row and new state together."""
    earlier = await _earlier(session, provider_id, draft.provider_report_id)
    referral = await _owned(session, provider_id, draft)
    if earlier is not None:
        if earlier.content_hash != draft.content_hash():
            raise Refused(
                409, "report_id", "reused", "this report id was sent before with other content"
            )
        return _receipt(earlier.event_id, referral, duplicate=True)
    state = ReferralState(referral.state)
    if found := conflict(draft.kind, state):
        raise Refused(409, "type", found.reason, found.message)
    payload = _payload(referral, draft)
    event_id = status_event_id(provider_id, draft.provider_report_id)
    new = await insert_unless_present(
        session,
        ReportRow.__table__,  # type: ignore[attr-defined]
        {
            "event_id": event_id,
            "provider_id": provider_id,
            "provider_report_id": draft.provider_report_id,
            "referral_id": referral.referral_id,
            "kind": draft.kind.value,
            "channel": draft.channel,
            "content_hash": draft.content_hash(),
            "received_at": now,
        },
        unique_on=["event_id"],
    )
    if not new:
        raise Refused(409, "report_id", "in_progress", "the same report is being handled; resend")
    await add_to_outbox(
        session, new_event(payload, source=source, event_id=event_id, time=now), topic
    )
    referral.state = state_after(draft.kind, state).value
    referral.updated_at = now
    session.add(referral)
    return _receipt(event_id, referral, duplicate=False)


async def _earlier(session: AsyncSession, provider_id: str, report_id: str) -> ReportRow | None:
    """The report accepted before under this provider's report id, if any."""
    statement = select(ReportRow).where(
        ReportRow.provider_id == provider_id, ReportRow.provider_report_id == report_id
    )
    return (await session.exec(statement)).first()


async def _owned(session: AsyncSession, provider_id: str, draft: Draft) -> ReferralRow:
    """The referral, locked; another provider's referral reads exactly like an unknown one."""
    referral = await session.get(ReferralRow, draft.referral_id, with_for_update=True)
    if referral is None or referral.provider_id != provider_id or not referral.issued:
        raise Refused(
            404, "referral_id", "unknown_referral", "no referral with this id was sent to you"
        )
    if draft.participant_id is not None and draft.participant_id != referral.participant_id:
        raise Refused(
            422, "participant_id", "mismatch", "the participant is not the referral's participant"
        )
    return referral


def _payload(referral: ReferralRow, draft: Draft) -> contract.ProviderReport:
    """The contract's event; its own rules (e.g. attended <= planned hours) apply here."""
    data = {
        "referral_id": referral.referral_id,
        "participant_id": referral.participant_id,
        "provider_id": referral.provider_id,
        "occurred_on": draft.occurred_on,
        **draft.fields,
    }
    try:
        return CONTRACT[draft.kind].model_validate(data)
    except ValidationError as error:
        field, problem = validation_problem(error)
        raise Refused(422, field, "invalid", problem) from None


def _receipt(event_id: str, referral: ReferralRow, *, duplicate: bool) -> ReportReceipt:
    """What the provider is told."""
    return ReportReceipt(
        event_id=event_id,
        referral_id=referral.referral_id,
        referral_state=referral.state,
        duplicate=duplicate,
    )
