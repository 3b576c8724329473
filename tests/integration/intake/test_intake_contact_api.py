"""Intake's claim check: only the gateway's service token, only with a standing consent, and
every read an access event; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from intake_support import (
    TODAY,
    IntakeUnderTest,
    enrolled,
    intake_settings,
    running_intake,
)
from structlog.testing import capture_logs

from kette_core.contracts.vocabulary import ActorRole

pytestmark = pytest.mark.integration

TOKEN = "gateway-service-token-for-tests"
PII_READ = "kette.access.pii_read.v1"
GATEWAY = {"Authorization": f"Bearer {TOKEN}"}
REFERRAL = "ref-contact-1"


@pytest.fixture
async def intake(database_url: str) -> AsyncIterator[IntakeUnderTest]:
    """Intake that knows the gateway's token; the relay hands events to a recorder."""
    settings = intake_settings(database_url, gateway_token=TOKEN)
    async with running_intake(settings) as service:
        yield service


@pytest.fixture
async def caseworker(intake: IntakeUnderTest) -> dict[str, str]:
    return await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])


def _contact(participant_id: str, provider_id: str = "vhs-unna") -> str:
    return (
        f"/internal/participants/{participant_id}/contact"
        f"?provider_id={provider_id}&referral_id={REFERRAL}"
    )


async def _staged(intake: IntakeUnderTest) -> list[tuple[Any, ...]]:
    """The outbox's events (not their sent_at, which the relay moves meanwhile)."""
    return [(row["id"], row["ce_type"]) for row in await intake.rows("outbox")]


async def assert_rejected_without_effect(
    intake: IntakeUnderTest, status: int, url: str, headers: dict[str, str]
) -> httpx.Response:
    """The refusal has the status, stages no event and changes no consent."""
    outbox, consents = await _staged(intake), await intake.rows("consents")

    answer = await intake.http.get(url, headers=headers)

    assert answer.status_code == status, answer.text
    assert await _staged(intake) == outbox
    assert await intake.rows("consents") == consents
    assert intake.sent.of_type(PII_READ) == []
    return answer


async def test_the_gateway_gets_the_contact_and_the_read_is_an_access_event(
    intake: IntakeUnderTest, caseworker: dict[str, str]
) -> None:
    participant_id = await enrolled(intake, caseworker, personal={"email": "amina@example.org"})

    with capture_logs() as logs:
        answer = await intake.http.get(_contact(participant_id), headers=GATEWAY)

    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "participant_id": participant_id,
        "given_name": "Amina",
        "family_name": "Haddad",
        "phone": "+49 2307 555 0101",
        "email": "amina@example.org",
        "languages_spoken": ["Arabic", "Kurdish"],
    }
    [record] = await intake.relayed(PII_READ)
    event = json.loads(record.value)
    assert record.key == participant_id
    assert event["participant_id"] == participant_id
    assert event["actor"] == {"role": "provider", "actor_id": "prov-vhs-unna"}
    assert event["purpose"] == "referral_contact"
    assert event["via_service"] == "provider-gateway"
    assert event["fields_read"] == ["name", "phone", "email", "languages_spoken"]
    for personal in ("Amina", "Haddad", "2307", "example.org", "Arabic", "2004"):
        assert personal not in json.dumps(event)
        assert personal not in repr(logs)
    [granted] = [log for log in logs if log["event"] == "intake.contact_read"]
    assert granted["provider_id"] == "vhs-unna" and granted["referral_id"] == REFERRAL


async def test_without_consent_to_share_the_gateway_gets_403_and_nothing_is_recorded(
    intake: IntakeUnderTest, caseworker: dict[str, str]
) -> None:
    participant_id = await enrolled(intake, caseworker, consent_to_share=False)

    with capture_logs() as logs:
        answer = await assert_rejected_without_effect(
            intake, 403, _contact(participant_id), GATEWAY
        )

    assert answer.json()["errors"][0]["field"] == "consent"
    [refused] = [log for log in logs if log["event"] == "intake.contact_refused"]
    assert refused["reason"] == "no_consent" and refused["provider_id"] == "vhs-unna"


async def test_after_the_consent_is_withdrawn_the_gateway_gets_403(
    intake: IntakeUnderTest, caseworker: dict[str, str]
) -> None:
    participant_id = await enrolled(intake, caseworker)
    withdrawn = await intake.http.post(
        f"/api/participants/{participant_id}/consents/share_with_providers/withdrawal",
        json={"withdrawn_on": TODAY.isoformat()},
        headers=caseworker,
    )
    assert withdrawn.status_code == 201, withdrawn.text

    await assert_rejected_without_effect(intake, 403, _contact(participant_id), GATEWAY)


async def test_a_new_consent_after_a_withdrawal_opens_the_contact_again(
    intake: IntakeUnderTest, caseworker: dict[str, str]
) -> None:
    participant_id = await enrolled(intake, caseworker)
    base = f"/api/participants/{participant_id}/consents"
    day = {"withdrawn_on": TODAY.isoformat()}
    await intake.http.post(f"{base}/share_with_providers/withdrawal", json=day, headers=caseworker)
    again = {"given_on": TODAY.isoformat(), "text_version": "2026-01"}
    granted = await intake.http.post(base, json=again, headers=caseworker)
    assert granted.status_code == 201, granted.text

    answer = await intake.http.get(_contact(participant_id), headers=GATEWAY)

    assert answer.status_code == 200, answer.text
    await intake.relayed(PII_READ)


async def test_an_erased_participant_is_gone_and_an_unknown_one_absent(
    intake: IntakeUnderTest, caseworker: dict[str, str]
) -> None:
    participant_id = await enrolled(intake, caseworker)
    erased = await intake.http.post(
        f"/api/participants/{participant_id}/erasure", json={}, headers=caseworker
    )
    assert erased.status_code == 201, erased.text
    unknown = "p-0f8fad5b-d9cb-469f-a165-70867728950e"

    await assert_rejected_without_effect(intake, 410, _contact(participant_id), GATEWAY)
    await assert_rejected_without_effect(intake, 404, _contact(unknown), GATEWAY)


async def test_only_the_gateways_service_token_reaches_contact_details(
    intake: IntakeUnderTest, caseworker: dict[str, str]
) -> None:
    participant_id = await enrolled(intake, caseworker)
    coordinator = await intake.login_as(ActorRole.COORDINATOR, ["Kamen"])
    wrong = {"Authorization": "Bearer not-the-gateway"}

    for headers in ({}, wrong, caseworker, coordinator):
        answer = await assert_rejected_without_effect(
            intake, 401, _contact(participant_id), headers
        )
        assert answer.json()["errors"][0]["field"] == "Authorization"


async def test_without_a_configured_gateway_token_nobody_reaches_contact_details(
    database_url: str,
) -> None:
    async with running_intake(intake_settings(database_url)) as service:
        for headers in ({}, {"Authorization": "Bearer "}, GATEWAY):
            answer = await service.http.get(_contact("p-0f8fad5b-d9cb"), headers=headers)
            assert answer.status_code == 401


async def test_the_gateway_must_name_provider_and_referral(
    intake: IntakeUnderTest, caseworker: dict[str, str]
) -> None:
    participant_id = await enrolled(intake, caseworker)
    base = f"/internal/participants/{participant_id}/contact"

    for query, field in (
        ("referral_id=r-1", "provider_id"),
        ("provider_id=vhs-unna", "referral_id"),
        ("provider_id=VHS&referral_id=r-1", "provider_id"),
        ("provider_id=ab&referral_id=r-1", "provider_id"),  # prov-ab is no actor id
    ):
        answer = await assert_rejected_without_effect(intake, 422, f"{base}?{query}", GATEWAY)
        assert [problem["field"] for problem in answer.json()["errors"]] == [field]
