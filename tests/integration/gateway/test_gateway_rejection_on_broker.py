"""On the real broker: a bad report on a provider's reports topic is answered once on its
referrals topic and reaches nothing else; on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import pytest
from gateway_stack_support import ProviderTopics
from sqlmodel import func, select

from kette_core.contracts.base import EventPayload
from kette_core.contracts.referrals import ReferralAccepted, ReferralCompleted, ReportRefused
from kette_core.envelope import new_event
from kette_core.kafka import build_broker
from kette_core.publishing import EventPublisher
from kette_core.settings import KetteSettings
from kette_core.tables import OutboxRecord
from kette_provider_gateway.app import Gateway
from kette_provider_gateway.providers.service import onboard
from kette_provider_gateway.reports.rejections import rejection_event_id
from kette_provider_gateway.reports.service import status_event_id
from tests.component.gateway.gateway_component_support import confirmed_referral, requested
from tests.integration.workflows.chain_stack_support import (
    RecordedRecord,
    TopicRecorder,
    eventually,
)

pytestmark = pytest.mark.integration

NewTopic = Callable[..., Awaitable[str]]


async def staged_rejections(gateway: Gateway) -> int:
    async with gateway.sessions() as session:
        statement = select(func.count()).where(OutboxRecord.ce_type == ReportRefused.event_type)
        return (await session.exec(statement)).one()


async def test_a_bad_report_sent_twice_is_answered_once_and_moves_nothing(
    provider: ProviderTopics, gateway: Gateway, kafka_bootstrap: str
) -> None:
    participant = f"p-{uuid.uuid4()}"
    referral_id = f"ref-{uuid.uuid4()}"
    settings = gateway.settings
    to_provider = TopicRecorder(kafka_bootstrap, provider.referrals)
    status = TopicRecorder(kafka_bootstrap, settings.provider_status_topic)
    broker = build_broker(KetteSettings(kafka_bootstrap=kafka_bootstrap, service="test"))
    await broker.start()
    await to_provider.start()
    await status.start()
    publisher = EventPublisher(broker)

    async def as_provider(payload: EventPayload, ce_id: str) -> None:
        event = new_event(payload, source="/provider/test", event_id=ce_id)
        await publisher.publish(event, provider.reports)

    try:
        await onboard(gateway.sessions, gateway.provisioner, provider.provider_id, "T", "/test")
        for fact in (
            requested(participant_id=participant),
            confirmed_referral(referral_id, provider.provider_id, participant),
        ):
            await publisher.publish(
                new_event(fact, source="/kette/workflows"), settings.chain_topic
            )
        await eventually(lambda: bool(to_provider.events_of(participant)), "the referral")
        await eventually(lambda: provider.provider_id in gateway.listening, "reports followed")
        ids = {"referral_id": referral_id, "participant_id": participant}
        too_early = ReferralCompleted(
            **ids, provider_id=provider.provider_id, occurred_on="2026-12-01"
        )
        accepted = ReferralAccepted(
            **ids, provider_id=provider.provider_id, occurred_on="2026-12-01"
        )

        await as_provider(too_early, "evt-too-early")
        await as_provider(too_early, "evt-too-early")  # resent
        await as_provider(accepted, "evt-accepted")  # same key and partition: handled after
        await eventually(lambda: bool(status.events_of(participant)), "the accepted report")

        def rejections() -> list[RecordedRecord]:
            return [r for r in to_provider.records if r.ce_type == ReportRefused.event_type]

        await eventually(lambda: bool(rejections()), "the rejection")

        assert await staged_rejections(gateway) == 1
        [answer] = rejections()
        assert answer.ce_id == rejection_event_id(provider.provider_id, "evt-too-early")
        assert answer.key is None
        assert answer.event is not None
        assert isinstance(answer.event.payload, ReportRefused)
        assert (answer.event.payload.report_id, answer.event.payload.reason) == (
            "evt-too-early",
            "not_enrolled",
        )
        assert participant.encode() not in answer.value
        assert [r.ce_id for r in status.events_of(participant)] == [
            status_event_id(provider.provider_id, "evt-accepted")
        ]
    finally:
        await to_provider.stop()
        await status.stop()
        await broker.stop()
