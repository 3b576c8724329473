"""Who sees whose personal data: tokens, Kommune scope, roles, encryption at rest, the audit."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from intake_support import (
    PASSWORD,
    IntakeUnderTest,
    fields_of,
    intake_settings,
    payload,
    recorded_ports,
    registration,
    running_intake,
)

from kette_core.contracts.vocabulary import ActorRole

pytestmark = pytest.mark.integration

PII_READ = "kette.access.pii_read.v1"


async def _register(intake: IntakeUnderTest, kommune: str, headers: dict[str, str]) -> str:
    answer = await intake.http.post(
        "/api/participants", json=registration(kommune=kommune), headers=headers
    )
    assert answer.status_code == 201, answer.text
    participant_id: str = answer.json()["participant_id"]
    return participant_id


async def test_a_caseworker_reads_her_participant_and_the_read_is_published(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await _register(intake, "Kamen", caseworker)

    answer = await intake.http.get(f"/api/participants/{participant_id}", headers=caseworker)

    assert answer.status_code == 200, answer.text
    assert answer.json()["personal"]["family_name"] == "Haddad"
    assert answer.json()["personal"]["birth_date"] == "2004-07-19"
    [record] = await intake.relayed(PII_READ)
    event = payload(record)
    assert record.topic == "kette.access.v1"
    assert event["participant_id"] == participant_id
    assert event["actor"]["role"] == "caseworker"
    assert set(event["fields_read"]) >= {"name", "birth_date", "phone", "address"}
    assert "Haddad" not in record.value.decode()


async def test_a_caseworker_of_kommune_a_gets_404_for_a_participant_of_kommune_b(
    intake: IntakeUnderTest,
) -> None:
    in_kamen = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    in_unna = await intake.login_as(ActorRole.CASEWORKER, ["Unna"])
    coordinator = await intake.login_as(ActorRole.COORDINATOR, [])
    participant_id = await _register(intake, "Unna", in_unna)

    stranger = await intake.http.get(f"/api/participants/{participant_id}", headers=in_kamen)
    unknown = await intake.http.get("/api/participants/p-00000000-0000", headers=in_kamen)
    whole_ki = await intake.http.get(f"/api/participants/{participant_id}", headers=coordinator)

    assert stranger.status_code == unknown.status_code == 404
    assert stranger.json() == unknown.json()  # absent and not hers look the same
    assert whole_ki.status_code == 200
    assert len(await intake.relayed(PII_READ)) == 1  # only the read that showed data


async def test_an_auditor_never_sees_personal_data(intake: IntakeUnderTest) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    auditor = await intake.login_as(ActorRole.AUDITOR, ["Kamen"])
    participant_id = await _register(intake, "Kamen", caseworker)

    read = await intake.http.get(f"/api/participants/{participant_id}", headers=auditor)
    register = await intake.http.post("/api/participants", json=registration(), headers=auditor)

    assert (read.status_code, register.status_code) == (403, 403)
    assert fields_of(read) == ["authorization"]


async def test_requests_without_a_valid_token_are_refused(intake: IntakeUnderTest) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    token = caseworker["Authorization"].removeprefix("Bearer ")
    forged = {"Authorization": f"Bearer {token[:-4]}AAAA"}

    missing = await intake.http.post("/api/participants", json=registration())
    tampered = await intake.http.post("/api/participants", json=registration(), headers=forged)
    wrong_password = await intake.http.post(
        "/api/token", json={"username": "nobody", "password": "guessing"}
    )

    assert (missing.status_code, tampered.status_code, wrong_password.status_code) == (
        401,
        401,
        401,
    )
    assert fields_of(missing) == ["Authorization"]
    assert await intake.rows("participants") == []


async def test_repeated_wrong_passwords_lock_the_login_even_for_the_right_one(
    intake: IntakeUnderTest,
) -> None:
    await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    [account] = await intake.rows("accounts")
    login = {"username": account["username"]}

    wrong = [
        await intake.http.post("/api/token", json={**login, "password": "guess"}) for _ in range(5)
    ]
    locked = await intake.http.post("/api/token", json={**login, "password": PASSWORD})

    assert [answer.status_code for answer in wrong] == [401] * 5
    assert locked.status_code == 429
    assert fields_of(locked) == ["username"]


async def test_the_database_holds_personal_data_only_as_ciphertext(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await _register(intake, "Kamen", caseworker)

    [row] = await intake.rows("participants")
    [account] = await intake.rows("accounts")

    stored = " ".join(
        value.hex() + value.decode("latin-1") if isinstance(value, bytes) else str(value)
        for value in row.values()
    )
    for personal in ("Amina", "Haddad", "2004-07-19", "2307 555", "Am Markt", "Syrian"):
        assert personal.lower() not in stored.lower()
    assert row["id"] == participant_id
    assert len(row["wrapped_key"]) == 12 + 32 + 16  # nonce, AES-256 key, GCM tag
    assert str(account["password_hash"]).startswith("$argon2id$")


async def test_health_readiness_openapi_and_metrics_are_served(intake: IntakeUnderTest) -> None:
    health = await intake.http.get("/healthz")
    ready = await intake.http.get("/readyz")
    openapi = await intake.http.get("/openapi.json")
    await intake.http.post("/api/token", json={"username": "x", "password": "y"})
    metrics = await intake.http.get("/metrics")

    assert health.status_code == ready.status_code == 200
    assert ready.json()["checks"]["database"] == {"ok": True, "detail": "ok"}
    assert "/api/participants/{participant_id}" in openapi.json()["paths"]
    assert 'route="/api/token",status="401"' in metrics.text


async def test_readiness_names_the_dependency_that_does_not_answer(tmp_path: Path) -> None:
    async def kafka_down() -> None:
        raise httpx.ConnectError("connection refused")

    settings = intake_settings(f"sqlite+aiosqlite:///{tmp_path}/ready.db")
    async with running_intake(settings, recorded_ports(kafka=kafka_down)) as service:
        ready = await service.http.get("/readyz")

    assert ready.status_code == 503
    assert ready.json()["checks"]["kafka"]["ok"] is False
    assert "connection refused" in ready.json()["checks"]["kafka"]["detail"]
