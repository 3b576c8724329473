"""Chain facts reach the provider's own topic once each, through the outbox, without PII."""

from __future__ import annotations

import pytest
from gateway_component_support import (
    PARTICIPANT,
    Harness,
    confirmed_referral,
    eventually,
    requested,
    settle,
)
from sqlmodel import func, select

from kette_core.contracts import topics
from kette_core.contracts.chain import (
    ReferralWithdrawn,
    SharingStopped,
)
from kette_core.contracts.referrals import ReferralIssued, ReferralWithdrawnForProvider
from kette_core.tables import OutboxRecord
from kette_provider_gateway.providers.service import onboard
from kette_provider_gateway.referrals.service import issued_event_id, withdrawn_event_id
from kette_provider_gateway.referrals.tables import ReferralRow

pytestmark = pytest.mark.component

PSEUDONYMOUS_FIELDS = {
    "referral_id",
    "participant_id",
    "provider_id",
    "offer_id",
    "module",
    "stage",
    "language_level",
    "childcare_needed",
    "response_due",
    "contact_details_available",
}


async def test_a_confirmed_referral_is_issued_to_its_provider_only(harness: Harness) -> None:
    await harness.refer("ref-1", "alpha")

    [event] = harness.to_providers["alpha"]
    assert isinstance(event.payload, ReferralIssued)
    assert event.id == issued_event_id("ref-1")
    assert event.topic == topics.provider_referrals_topic("alpha")
    assert event.subject == PARTICIPANT
    assert event.payload.language_level == "A2"
    assert event.payload.childcare_needed is True
    assert event.payload.contact_details_available is True
    assert set(event.payload.model_dump()) == PSEUDONYMOUS_FIELDS
    assert harness.to_providers["beta"] == []


async def test_a_redelivered_or_republished_confirmation_is_issued_once(harness: Harness) -> None:
    confirmed = await harness.refer("ref-1")

    await harness.publish(confirmed, event_id=None)  # republished under a new ce_id
    await settle()

    assert [e.id for e in harness.to_providers["alpha"]] == [issued_event_id("ref-1")]
    async with harness.gateway.sessions() as session:
        rows = (await session.exec(select(func.count()).select_from(OutboxRecord))).one()
    assert rows == 1


async def test_a_withdrawal_reaches_the_provider_once_even_when_sharing_stops_after(
    harness: Harness,
) -> None:
    await harness.refer("ref-1")

    await harness.publish(
        ReferralWithdrawn(
            participant_id=PARTICIPANT,
            referral_id="ref-1",
            provider_id="alpha",
            stage="language",
            reason="consent_withdrawn",
        )
    )
    await harness.publish(
        SharingStopped(
            participant_id=PARTICIPANT,
            reason="consent_withdrawn",
            withdrawn_referral_ids=("ref-1",),
        )
    )
    await eventually(lambda: len(harness.to_providers["alpha"]) == 2, "the withdrawal")
    await settle()

    issued, withdrawn = harness.to_providers["alpha"]
    assert isinstance(issued.payload, ReferralIssued)
    assert isinstance(withdrawn.payload, ReferralWithdrawnForProvider)
    assert withdrawn.id == withdrawn_event_id("ref-1")
    assert withdrawn.payload.reason == "consent_withdrawn"
    assert len(harness.to_providers["alpha"]) == 2


async def test_a_closed_chain_withdraws_every_open_referral_it_names(harness: Harness) -> None:
    await harness.refer("ref-1", "alpha")
    await harness.refer("ref-2", "beta")

    await harness.publish(
        SharingStopped(
            participant_id=PARTICIPANT,
            reason="chain_closed",
            withdrawn_referral_ids=("ref-1", "ref-2", "ref-never-seen"),
        )
    )
    await eventually(
        lambda: len(harness.to_providers["alpha"]) == 2 and len(harness.to_providers["beta"]) == 2,
        "both withdrawals",
    )

    for provider in ("alpha", "beta"):
        withdrawn = harness.to_providers[provider][-1].payload
        assert isinstance(withdrawn, ReferralWithdrawnForProvider)
        assert withdrawn.reason == "chain_closed"


async def test_consent_withdrawn_then_a_new_referral_offers_no_contact_details(
    harness: Harness,
) -> None:
    await harness.publish(SharingStopped(participant_id=PARTICIPANT, reason="consent_withdrawn"))
    await harness.refer("ref-1")

    issued = harness.to_providers["alpha"][0].payload
    assert isinstance(issued, ReferralIssued)
    assert issued.contact_details_available is False


async def test_a_referral_for_an_unregistered_provider_waits_until_it_registers(
    harness: Harness,
) -> None:
    await harness.publish(requested())
    await harness.publish(confirmed_referral("ref-9", "gamma"))

    async def held() -> bool:
        async with harness.gateway.sessions() as session:
            row = await session.get(ReferralRow, "ref-9")
        return row is not None and not row.issued

    for _ in range(100):
        if await held():
            break
        await settle()
    assert await held()

    gateway = harness.gateway
    done = await onboard(gateway.sessions, gateway.provisioner, "gamma", "Gamma", "/test")

    assert done.referrals_issued == 1
    async with gateway.sessions() as session:
        row = await session.get(ReferralRow, "ref-9")
        staged = (await session.exec(select(OutboxRecord))).all()
    assert row is not None and row.issued
    assert [r.ce_id for r in staged] == [issued_event_id("ref-9")]
    assert staged[0].topic == topics.provider_referrals_topic("gamma")
