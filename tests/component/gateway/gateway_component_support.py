"""What the gateway component tests publish and read back."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from faststream.kafka import KafkaBroker

from kette_core.consuming import DeadLetters, EventConsumer, EventHandlers, subscribe
from kette_core.contracts import referrals as contract
from kette_core.contracts import topics
from kette_core.contracts.base import EventPayload
from kette_core.contracts.chain import ReferralConfirmed, ReferralRequested
from kette_core.contracts.vocabulary import Constraints
from kette_core.envelope import ReceivedEvent, new_event
from kette_core.publishing import EventPublisher
from kette_provider_gateway.app import Gateway
from tests.support.waiting import eventually as eventually

SOURCE = "/kette/test"
PROVIDERS = ("alpha", "beta")
PARTICIPANT = "p-0f8fad5b-d9cb-469f-a165-70867728950e"
ADMIN_TOKEN = "admin-token-for-tests"


class FakeProvisioner:
    """Remembers whom it provisioned; the real one runs the stack's admin tooling."""

    def __init__(self) -> None:
        self.provisioned: list[str] = []

    async def provision(self, provider_id: str) -> None:
        self.provisioned.append(provider_id)


class Harness:
    """Records what the gateway publishes to providers and to the chain."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.broker: KafkaBroker = gateway.broker
        self.keys: dict[str, str] = {}
        self.to_providers: dict[str, list[ReceivedEvent[EventPayload]]] = {
            provider: [] for provider in PROVIDERS
        }
        self.statuses: list[ReceivedEvent[contract.ProviderReport]] = []
        handlers = EventHandlers()
        handlers.add(contract.ReferralIssued, self._to_provider)
        handlers.add(contract.ReferralWithdrawnForProvider, self._to_provider)
        for report in (
            contract.ReferralAccepted,
            contract.ReferralRejected,
            contract.ParticipantEnrolled,
            contract.AttendanceReported,
            contract.ExamResultReported,
            contract.ReferralCompleted,
            contract.ParticipantDroppedOut,
        ):
            handlers.add(report, self._status)
        publisher = EventPublisher(gateway.broker)
        consumer = EventConsumer(handlers, DeadLetters(publisher, SOURCE), group_id="reader")
        subscribe(
            gateway.broker,
            topics.PROVIDER_STATUS,
            *(topics.provider_referrals_topic(provider) for provider in PROVIDERS),
            consumer=consumer,
        )

    async def _to_provider(self, event: ReceivedEvent[Any]) -> None:
        self.to_providers[event.payload.provider_id].append(event)

    async def _status(self, event: ReceivedEvent[contract.ProviderReport]) -> None:
        self.statuses.append(event)

    async def publish(self, payload: EventPayload, event_id: str | None = None) -> str:
        """Publish as a chain activity or a provider's system would; returns the ce_id."""
        event = new_event(payload, source="/kette/workflows", event_id=event_id)
        await EventPublisher(self.broker).publish(event)
        return event.id

    async def refer(self, referral_id: str, provider_id: str = "alpha") -> ReferralConfirmed:
        """A request, then its confirmed referral; waits until the provider has it."""
        await self.publish(requested())
        confirmed = confirmed_referral(referral_id, provider_id)
        await self.publish(confirmed)
        await eventually(
            lambda: any(
                getattr(e.payload, "referral_id", None) == referral_id
                for e in self.to_providers[provider_id]
            ),
            f"{referral_id} on {provider_id}'s topic",
        )
        return confirmed


def requested(**overrides: Any) -> ReferralRequested:
    """The chain asks for an F4 course: A2 now, childcare needed."""
    fields: dict[str, Any] = {
        "participant_id": PARTICIPANT,
        "request_id": "req-1",
        "stage": "language",
        "module": "F4",
        "target_language_level": "B1",
        "current_language_level": "A2",
        "kommune": "Kamen",
        "constraints": Constraints(childcare_needed=True, employment_ban=False),
    }
    fields.update(overrides)
    return ReferralRequested.model_validate(fields)


def confirmed_referral(
    referral_id: str, provider_id: str = "alpha", participant_id: str = PARTICIPANT
) -> ReferralConfirmed:
    """The caseworker confirmed an offer of `provider_id`."""
    return ReferralConfirmed.model_validate(
        {
            "participant_id": participant_id,
            "referral_id": referral_id,
            "request_id": "req-1",
            "offer_id": f"{provider_id}.deutsch-b1",
            "provider_id": provider_id,
            "stage": "language",
            "module": "F4",
            "response_due": "2026-12-14",
            "confirmed_by": {"role": "caseworker", "actor_id": "cw-000017"},
        }
    )


def report(kind: str, referral_id: str, report_id: str, **fields: Any) -> dict[str, Any]:
    """A REST report body."""
    body: dict[str, Any] = {
        "type": kind,
        "report_id": report_id,
        "referral_id": referral_id,
        "occurred_on": date(2026, 12, 1).isoformat(),
    }
    body.update(fields)
    return body


async def settle() -> None:
    """Long enough for a second send (the relay polls every 0.2 s) to show."""
    await asyncio.sleep(0.4)


@dataclass
class Delivery:
    """One request as the receiver got it."""

    path: str
    headers: dict[str, str]
    body: str


class Receiver:
    """A real HTTP server on a free port that records webhook deliveries; it answers each
    with the next status of `answers` (then 204); a path in `held` answers once its event is set."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.answers: list[int] = []
        self.held: dict[str, threading.Event] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length).decode()
                headers = {name.lower(): value for name, value in self.headers.items()}
                receiver.deliveries.append(Delivery(self.path, headers, body))
                if self.path in receiver.held:
                    receiver.held[self.path].wait(timeout=30)
                status = receiver.answers.pop(0) if receiver.answers else 204
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def at(self, path: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.path == path]
