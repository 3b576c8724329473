"""Intake in-process over httpx, with a recorded outbox relay and accounts made directly."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from kette_core.contracts.vocabulary import ActorRole
from kette_core.envelope import KafkaRecord
from kette_intake.app import Ports, create_app, new_key
from kette_intake.auth.accounts import create_account
from kette_intake.settings import IntakeSettings
from kette_intake.wiring import Intake

TODAY = date(2026, 3, 4)
PASSWORD = "a long enough test password"


class RecordingSender:
    """Stands in for Kafka behind the relay: keeps what it was handed, in order."""

    def __init__(self) -> None:
        self.sent: list[KafkaRecord] = []

    async def send_records(self, records: Sequence[KafkaRecord]) -> None:
        self.sent.extend(records)

    def of_type(self, ce_type: str) -> list[KafkaRecord]:
        return [record for record in self.sent if record.headers["ce_type"] == ce_type]


async def always_ready() -> None:
    """Readiness of a dependency the test does not start."""


def intake_settings(database_url: str, **overrides: Any) -> IntakeSettings:
    """Fresh keys per test, so nothing depends on a shared secret."""
    return IntakeSettings(
        database_url=database_url,
        key_encryption_key=new_key(),
        blind_index_key=new_key(),
        token_secret=new_key(),
        **overrides,
    )


@dataclass
class IntakeUnderTest:
    """The app's parts, an HTTP client on it and what its relay sent."""

    parts: Intake
    http: httpx.AsyncClient
    sent: RecordingSender

    async def login_as(self, role: ActorRole, kommunen: list[str]) -> dict[str, str]:
        """A new account of that role; returns the Authorization header of its token."""
        username = f"{role.value}-{uuid.uuid4().hex[:8]}"
        async with self.parts.sessions() as session, session.begin():
            await create_account(session, username, PASSWORD, role, kommunen)
        answer = await self.http.post(
            "/api/token", json={"username": username, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    async def rows(self, table: str) -> list[dict[str, Any]]:
        """Raw rows, as anyone with a copy of the database would see them."""
        async with self.parts.sessions() as session:
            connection = await session.connection()
            result = await connection.execute(text(f"SELECT * FROM {table}"))
            return [dict(row._mapping) for row in result]

    async def relayed(self, ce_type: str, count: int = 1) -> list[KafkaRecord]:
        """Wait until the relay has handed `count` events of the type to 'Kafka'."""
        for _ in range(100):
            records = self.sent.of_type(ce_type)
            if len(records) >= count:
                return records
            await asyncio.sleep(0.05)
        raise AssertionError(f"the relay sent {len(self.sent.of_type(ce_type))} {ce_type}")


def recorded_ports(**checks: Any) -> Ports:
    """Kafka replaced by a recorder, Temporal assumed ready, a fixed calendar day."""
    return Ports(
        sender=RecordingSender(), checks={"temporal": always_ready, **checks}, today=lambda: TODAY
    )


@asynccontextmanager
async def running_intake(
    settings: IntakeSettings, ports: Ports | None = None
) -> AsyncIterator[IntakeUnderTest]:
    """The app through its lifespan, as uvicorn would run it (recorded ports by default)."""
    ports = ports or recorded_ports()
    app = create_app(settings, ports)
    sent = ports.sender if isinstance(ports.sender, RecordingSender) else RecordingSender()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
            yield IntakeUnderTest(app.state.intake, http, sent)


def registration(**changes: Any) -> dict[str, Any]:
    """A complete, eligible registration in Kamen; `personal` and `profile` merge by key."""
    body: dict[str, Any] = {
        "kommune": "Kamen",
        "personal": {
            "given_name": "Amina",
            "family_name": "Haddad",
            "birth_date": "2004-07-19",
            "phone": "+49 2307 555 0101",
            "address": {"street": "Am Markt 3", "postal_code": "59174", "town": "Kamen"},
            "nationality": "Syrian",
            "languages_spoken": ["Arabic", "Kurdish"],
        },
        "profile": {
            "gender": "female",
            "residence_status": "duldung",
            "language_level": "A2",
            "school_certificate": "none",
            "current_activity": "none",
            "goal": {"target_stage": "apprenticeship"},
            "constraints": {"childcare_needed": True, "employment_ban": False},
        },
        "consent_to_share": True,
    }
    for key in ("personal", "profile"):
        body[key] = {**body[key], **changes.pop(key, {})}
    return {**body, **changes}


async def enrolled(intake: IntakeUnderTest, headers: dict[str, str], **changes: Any) -> str:
    """Register `registration(**changes)` through the API; the new participant's id."""
    answer = await intake.http.post(
        "/api/participants", json=registration(**changes), headers=headers
    )
    assert answer.status_code == 201, answer.text
    participant_id: str = answer.json()["participant_id"]
    return participant_id


def fields_of(answer: httpx.Response) -> list[str]:
    """The fields an error answer names."""
    return [problem["field"] for problem in answer.json()["errors"]]


def payload(record: KafkaRecord) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(record.value)
    return value
