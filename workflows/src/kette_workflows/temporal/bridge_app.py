"""Composition root of the bridge: which topics and event types feed which Temporal call."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts import matching, participants, referrals, topics
from kette_core.publishing import EventPublisher
from kette_workflows.settings import WorkflowSettings
from kette_workflows.temporal.bridge import Bridge


def bridge_handlers(bridge: Bridge) -> EventHandlers:
    """Event types the chain cares about; every other type on these topics is skipped."""
    handlers = EventHandlers()
    handlers.add(participants.ParticipantRegistered, bridge.participant_registered)
    handlers.add(participants.ResidenceStatusChanged, bridge.residence_status_changed)
    handlers.add(participants.ConsentGiven, bridge.consent_given)
    handlers.add(participants.ConsentWithdrawn, bridge.consent_withdrawn)
    handlers.add(participants.ProfileUpdated, bridge.profile_updated)
    handlers.add(participants.ParticipantErased, bridge.participant_erased)
    handlers.add(matching.OffersProposed, bridge.offers_matched)
    handlers.add(matching.NoOfferFound, bridge.offers_matched)
    for report_type in (
        referrals.ReferralAccepted,
        referrals.ReferralRejected,
        referrals.ParticipantEnrolled,
        referrals.AttendanceReported,
        referrals.ExamResultReported,
        referrals.ReferralCompleted,
        referrals.ParticipantDroppedOut,
    ):
        handlers.add(report_type, bridge.provider_reported)
    return handlers


def attach_bridge(broker: KafkaBroker, bridge: Bridge, settings: WorkflowSettings) -> None:
    """Subscribe the bridge; unreadable records go to the dead-letter topic with their reason."""
    dead_letters = DeadLetters(
        EventPublisher(broker), settings.event_source, topic=settings.deadletter_topic
    )
    consumer = EventConsumer(
        bridge_handlers(bridge), dead_letters, group_id=settings.bridge_group_id
    )
    roles = {
        settings.participants_topic: topics.PARTICIPANTS,
        settings.matching_topic: topics.MATCHING,
        settings.provider_status_topic: topics.PROVIDER_STATUS,
    }
    subscribe(broker, *settings.bridge_topics(), consumer=consumer, roles=roles)
