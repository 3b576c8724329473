"""What the matching component tests publish and read back."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from faststream.kafka import KafkaBroker

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts import topics
from kette_core.contracts.base import EXAMPLE_PARTICIPANT, EventPayload
from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.deadletter import DeadLetterRecorded
from kette_core.contracts.matching import NoOfferFound, OffersProposed
from kette_core.contracts.vocabulary import ActorRole, Constraints
from kette_core.envelope import ReceivedEvent, new_event
from kette_core.publishing import EventPublisher
from kette_intake.auth.principal import Principal
from kette_intake.auth.tokens import TokenSigner
from kette_matching.app import Matching
from tests.support.waiting import eventually as eventually

SOURCE = "/kette/test"
TOKEN_SECRET = base64.b64encode(b"k" * 32).decode()
"""The secret intake and matching share in these tests."""


def token(role: ActorRole, secret: str = TOKEN_SECRET, minutes: int = 5) -> str:
    """A bearer token as intake issues it (intake's own signer, so both sides agree)."""
    signer = TokenSigner(base64.b64decode(secret), timedelta(minutes=minutes))
    return signer.issue(Principal(actor_id="coordinator-1", role=role, kommunen=("Unna",)))


class Harness:
    """Records every answer and dead letter the service publishes."""

    def __init__(self, matching: Matching) -> None:
        self.matching = matching
        self.broker: KafkaBroker = matching.broker
        self.answers: list[ReceivedEvent[EventPayload]] = []
        self.dead_letters: list[ReceivedEvent[DeadLetterRecorded]] = []
        handlers = EventHandlers()
        handlers.add(OffersProposed, self._answered)
        handlers.add(NoOfferFound, self._answered)
        handlers.add(DeadLetterRecorded, self._dead_letter)
        publisher = EventPublisher(matching.broker)
        consumer = EventConsumer(handlers, DeadLetters(publisher, SOURCE), group_id="reader")
        subscribe(matching.broker, topics.MATCHING, topics.DEADLETTER, consumer=consumer)

    async def _answered(self, event: ReceivedEvent[Any]) -> None:
        self.answers.append(event)

    async def _dead_letter(self, event: ReceivedEvent[DeadLetterRecorded]) -> None:
        self.dead_letters.append(event)

    async def request(
        self, request: EventPayload, event_id: str | None = None, time: datetime | None = None
    ) -> str:
        """Publish as a chain activity (or intake) would; returns the ce_id."""
        event = new_event(request, source="/kette/workflows", event_id=event_id, time=time)
        await EventPublisher(self.broker).publish(event)
        return event.id


def referral_request(**overrides: Any) -> ReferralRequested:
    """A2, aiming at B1, living in Kamen, free to start today."""
    fields: dict[str, Any] = {
        "participant_id": EXAMPLE_PARTICIPANT,
        "request_id": "req-kamen-1",
        "stage": "language",
        "module": "F4",
        "target_language_level": "B1",
        "current_language_level": "A2",
        "kommune": "Kamen",
        "constraints": Constraints(childcare_needed=False, employment_ban=False),
        "earliest_start": datetime.now(UTC).date(),
    }
    fields.update(overrides)
    return ReferralRequested.model_validate(fields)
