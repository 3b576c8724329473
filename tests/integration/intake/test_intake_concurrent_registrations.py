"""Registrations arriving at once: each stored once, none answered with a server error; one
that waits past SQLite's lock is told to retry (503), and its retry is stored once."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from intake_support import IntakeUnderTest, intake_settings, registration, running_intake
from sqlalchemy import text

from kette_core import db
from kette_core.contracts.vocabulary import ActorRole

CONCURRENT = 16


async def test_concurrent_registrations_are_each_stored_once_and_never_a_server_error(
    intake: IntakeUnderTest,
) -> None:
    headers = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    names = [f"Person{index:02d}" for index in range(CONCURRENT)]

    async def register(given_name: str) -> int:
        body = registration(personal={"given_name": given_name})
        key = {"Idempotency-Key": f"concurrent-{uuid.uuid4().hex}"}
        answer = await intake.http.post("/api/participants", json=body, headers=headers | key)
        if answer.status_code == 503:
            assert answer.headers["Retry-After"].isdigit(), answer.headers
        return answer.status_code

    statuses = await asyncio.gather(*(register(name) for name in names))

    assert set(statuses) <= {201, 503}, statuses
    stored = await intake.rows("participants")
    assert len(stored) == statuses.count(201)
    assert len({row["id"] for row in stored}) == len(stored)
    events = await intake.relayed("kette.participant.registered.v1", statuses.count(201))
    assert len(events) == statuses.count(201)


async def test_a_registration_waiting_past_the_lock_gets_503_and_its_retry_is_stored_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 100)
    url = f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}"
    async with running_intake(intake_settings(url)) as intake:
        headers = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        headers |= {"Idempotency-Key": "held-lock-0001"}
        other_writer = db.create_engine(url)
        try:
            async with other_writer.begin() as held:
                await held.execute(text("DELETE FROM participants WHERE 1 = 0"))
                refused = await intake.http.post(
                    "/api/participants", json=registration(), headers=headers
                )
        finally:
            await other_writer.dispose()
        retried = await intake.http.post("/api/participants", json=registration(), headers=headers)

        assert refused.status_code == 503, refused.text
        assert int(refused.headers["Retry-After"]) > 0
        assert [p["field"] for p in refused.json()["errors"]] == ["database"]
        assert retried.status_code == 201, retried.text
        assert len(await intake.rows("participants")) == 1
