"""Which payload model belongs to which CloudEvents type, and which types to which topic."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from kette_core.contracts.access import PiiRead
from kette_core.contracts.base import EventPayload
from kette_core.contracts.chain import (
    ChainClosed,
    ChainPaused,
    ChainReplanned,
    ChainResumed,
    ChainStarted,
    EligibilityExceptionRecorded,
    FollowUpRecorded,
    GoalChanged,
    InputIgnored,
    JobStarted,
    NoOfferFoundForStage,
    OffersReceived,
    OutcomeRecorded,
    ProfileFactsUpdated,
    ReferralConfirmed,
    ReferralRequested,
    ReferralWithdrawn,
    SharingResumed,
    SharingStopped,
    StageCompleted,
    StageSkipped,
    StageStarted,
    TaskClosed,
    TaskOpened,
)
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.matching import NoOfferFound, OffersProposed
from kette_core.contracts.participants import (
    ConsentGiven,
    ConsentWithdrawn,
    ParticipantApproached,
    ParticipantErased,
    ParticipantRegistered,
    ProfileUpdated,
    ResidenceStatusChanged,
)
from kette_core.contracts.referrals import (
    AttendanceReported,
    ExamResultReported,
    ParticipantDroppedOut,
    ParticipantEnrolled,
    ReferralAccepted,
    ReferralCompleted,
    ReferralIssued,
    ReferralRejected,
    ReferralWithdrawnForProvider,
    ReportRefused,
)
from kette_core.contracts.topics import PROVIDER_ID_PATTERN

PAYLOAD_MODELS: tuple[type[EventPayload], ...] = (
    ParticipantRegistered,
    ParticipantApproached,
    ResidenceStatusChanged,
    ConsentGiven,
    ConsentWithdrawn,
    ProfileUpdated,
    ParticipantErased,
    ChainStarted,
    StageStarted,
    ReferralRequested,
    ReferralConfirmed,
    ReferralWithdrawn,
    OutcomeRecorded,
    StageCompleted,
    StageSkipped,
    ChainReplanned,
    ChainPaused,
    ChainResumed,
    TaskOpened,
    TaskClosed,
    SharingStopped,
    ChainClosed,
    OffersReceived,
    NoOfferFoundForStage,
    InputIgnored,
    JobStarted,
    FollowUpRecorded,
    GoalChanged,
    ProfileFactsUpdated,
    EligibilityExceptionRecorded,
    SharingResumed,
    OffersProposed,
    NoOfferFound,
    ReferralIssued,
    ReferralWithdrawnForProvider,
    ReferralAccepted,
    ReferralRejected,
    ParticipantEnrolled,
    AttendanceReported,
    ExamResultReported,
    ReferralCompleted,
    ParticipantDroppedOut,
    ReportRefused,
    PiiRead,
    DeadLetterRecorded,
)


def _by_type(models: tuple[type[EventPayload], ...]) -> Mapping[str, type[EventPayload]]:
    """Index the models by type, refusing two models for one type."""
    index: dict[str, type[EventPayload]] = {}
    for model in models:
        if model.event_type in index:
            raise ValueError(f"event type {model.event_type} is defined twice")
        index[model.event_type] = model
    return MappingProxyType(index)


EVENT_TYPES: Mapping[str, type[EventPayload]] = _by_type(PAYLOAD_MODELS)


def payload_model(event_type: str) -> type[EventPayload] | None:
    """The payload model of a CloudEvents type, or None when the type is unknown."""
    return EVENT_TYPES.get(event_type)


def _by_channel(models: tuple[type[EventPayload], ...]) -> Mapping[str, frozenset[str]]:
    """The event types each topic (or per-provider topic template) carries."""
    index: dict[str, set[str]] = {}
    for model in models:
        for channel in model.channels:
            index.setdefault(channel, set()).add(model.event_type)
    return MappingProxyType({channel: frozenset(types) for channel, types in index.items()})


CHANNEL_TYPES: Mapping[str, frozenset[str]] = _by_channel(PAYLOAD_MODELS)
_TEMPLATES = tuple(
    (re.compile(re.escape(channel).replace(r"\{provider_id\}", PROVIDER_ID_PATTERN[1:-1])), channel)
    for channel in CHANNEL_TYPES
    if "{" in channel
)


def types_on(channel: str) -> frozenset[str]:
    """The types the contract assigns to a topic or template; unknown channels carry none."""
    return CHANNEL_TYPES.get(channel, frozenset())


def channel_of(topic: str) -> str | None:
    """The contract's topic (or per-provider template) a literal topic name is, if any."""
    if topic in CHANNEL_TYPES:
        return topic
    for pattern, channel in _TEMPLATES:
        if pattern.fullmatch(topic):
            return channel
    return None
