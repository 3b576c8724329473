"""Reports on a provider's own Kafka topic get the same checks as REST ones (that a topic
followed at runtime delivers is shown on the real broker: FastStream's test broker does not
set up subscribers added after it started)."""

from __future__ import annotations

import pytest
from gateway_component_support import PARTICIPANT, Harness, eventually, settle

from kette_core.contracts import topics
from kette_core.contracts.referrals import ParticipantEnrolled, ReferralAccepted
from kette_core.envelope import new_event
from kette_core.publishing import EventPublisher
from kette_provider_gateway.reports.service import status_event_id

pytestmark = pytest.mark.component


async def write(
    harness: Harness, topic_of: str, payload: ReferralAccepted | ParticipantEnrolled, event_id: str
) -> None:
    """Write as the provider's system would, to `topic_of`'s reports topic."""
    event = new_event(payload, source=f"/provider/{topic_of}", event_id=event_id)
    await EventPublisher(harness.broker).publish(event, topics.provider_reports_topic(topic_of))


def accepted(referral_id: str, provider_id: str = "alpha") -> ReferralAccepted:
    return ReferralAccepted(
        referral_id=referral_id,
        participant_id=PARTICIPANT,
        provider_id=provider_id,
        occurred_on="2026-12-01",
    )


async def test_a_report_on_the_topic_reaches_provider_status_once_per_record_id(
    harness: Harness,
) -> None:
    await harness.refer("ref-1")

    await write(harness, "alpha", accepted("ref-1"), "alpha-evt-1")
    await write(harness, "alpha", accepted("ref-1"), "alpha-evt-1")  # redelivered
    await eventually(lambda: len(harness.statuses) == 1, "the status event")
    await settle()

    [event] = harness.statuses
    assert event.id == status_event_id("alpha", "alpha-evt-1")
    assert event.topic == topics.PROVIDER_STATUS
    assert event.source == harness.gateway.settings.event_source


async def test_a_report_about_another_providers_referral_changes_nothing(
    harness: Harness,
) -> None:
    await harness.refer("ref-beta", "beta")

    await write(harness, "alpha", accepted("ref-beta", "alpha"), "alpha-evt-1")
    await write(harness, "alpha", accepted("ref-beta", "beta"), "alpha-evt-2")  # posing as beta
    await settle()

    assert harness.statuses == []
    metrics = (
        harness.gateway.metrics.registry.get_sample_value(
            "kette_gateway_refused_total", {"channel": "kafka", "reason": reason}
        )
        for reason in ("unknown_referral", "not_your_topic")
    )
    assert list(metrics) == [1.0, 1.0]


async def test_a_report_out_of_order_on_the_topic_is_refused_and_the_next_one_goes_through(
    harness: Harness,
) -> None:
    await harness.refer("ref-1")
    enrolled = ParticipantEnrolled(
        referral_id="ref-1",
        participant_id=PARTICIPANT,
        provider_id="alpha",
        occurred_on="2026-12-02",
    )

    await write(harness, "alpha", accepted("ref-1"), "evt-1")
    await write(harness, "alpha", accepted("ref-1"), "evt-2")  # the same fact, a new id
    await write(harness, "alpha", enrolled, "evt-3")
    await eventually(lambda: len(harness.statuses) == 2, "accepted and enrolled")
    await settle()

    assert [e.id for e in harness.statuses] == [
        status_event_id("alpha", "evt-1"),
        status_event_id("alpha", "evt-3"),
    ]


async def test_a_revoked_providers_report_on_its_topic_is_refused(harness: Harness) -> None:
    from kette_provider_gateway.providers.service import revoke

    await harness.refer("ref-1")
    async with harness.gateway.sessions() as session, session.begin():
        await revoke(session, "alpha")

    await write(harness, "alpha", accepted("ref-1"), "alpha-evt-1")
    await settle()

    assert harness.statuses == []
    refused = harness.gateway.metrics.registry.get_sample_value(
        "kette_gateway_refused_total", {"channel": "kafka", "reason": "revoked"}
    )
    assert refused == 1.0


async def test_a_provider_registered_by_another_process_is_followed_while_running(
    harness: Harness,
) -> None:
    import asyncio

    from kette_provider_gateway.app import watch_providers
    from kette_provider_gateway.providers.service import onboard

    gateway = harness.gateway
    gateway.settings.provider_poll_seconds = 0.05
    watcher = asyncio.create_task(watch_providers(gateway))
    try:
        await onboard(gateway.sessions, gateway.provisioner, "gamma", "Gamma", "/test")
        await eventually(lambda: "gamma" in gateway.listening, "gamma's reports topic followed")
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
