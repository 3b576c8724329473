"""The claim check's authorisation matrix at the gateway, with intake behind a fake port
(and the real HTTP adapter where intake does not answer as agreed)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from gateway_component_support import PARTICIPANT, Harness, eventually, report
from pydantic import SecretStr
from structlog.testing import capture_logs

from kette_core.contracts.chain import ReferralWithdrawn, SharingStopped
from kette_provider_gateway.app import create_app
from kette_provider_gateway.contacts.intake_client import HttpIntakeContacts
from kette_provider_gateway.contacts.port import (
    Contact,
    ContactDenied,
    Denial,
    IntakeContacts,
    IntakeUnreachable,
)
from kette_provider_gateway.referrals.tables import ParticipantFactsRow, ReferralRow

pytestmark = pytest.mark.component

OWN, OTHERS, UNKNOWN = "ref-alpha", "ref-beta", "ref-nobody"
AMINA = Contact(
    given_name="Amina",
    family_name="Haddad",
    phone="+49 2307 555 0101",
    languages_spoken=["Arabic", "Kurdish"],
)


class FakeIntake:
    """Answers as intake would: a contact, a denial, or no answer; remembers who asked."""

    def __init__(self) -> None:
        self.answer: Contact | Denial | None = AMINA
        self.asked: list[tuple[str, str, str]] = []

    async def contact(self, participant_id: str, provider_id: str, referral_id: str) -> Contact:
        self.asked.append((participant_id, provider_id, referral_id))
        if self.answer is None:
            raise IntakeUnreachable("down")
        if isinstance(self.answer, Denial):
            raise ContactDenied(self.answer)
        return self.answer


@pytest.fixture
def intake() -> FakeIntake:
    return FakeIntake()


async def _client(harness: Harness, port: IntakeContacts) -> httpx.AsyncClient:
    harness.gateway.intake = port
    transport = httpx.ASGITransport(app=create_app(harness.gateway))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


@pytest.fixture
async def contacts(harness: Harness, intake: FakeIntake) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway's API with the fake intake; alpha's and beta's referrals are out."""
    await harness.refer(OWN, "alpha")
    await harness.refer(OTHERS, "beta")
    async with await _client(harness, intake) as client:
        yield client


def _as(harness: Harness, provider_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {harness.keys[provider_id]}"}


def _contact_of(referral_id: str) -> str:
    return f"/api/v1/referrals/{referral_id}/contact"


def _reason(answer: httpx.Response) -> str:
    reason: str = answer.json()["detail"][0]["reason"]
    return reason


async def _state(harness: Harness, referral_id: str) -> str | None:
    async with harness.gateway.sessions() as session:
        row = await session.get(ReferralRow, referral_id)
        return row.state if row is not None else None


async def test_a_provider_gets_the_contact_of_its_own_open_referral(
    contacts: httpx.AsyncClient, harness: Harness, intake: FakeIntake
) -> None:
    with capture_logs() as logs:
        answer = await contacts.get(_contact_of(OWN), headers=_as(harness, "alpha"))

    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "referral_id": OWN,
        "given_name": "Amina",
        "family_name": "Haddad",
        "phone": "+49 2307 555 0101",
        "email": None,
        "languages_spoken": ["Arabic", "Kurdish"],
    }
    assert intake.asked == [(PARTICIPANT, "alpha", OWN)]
    [granted] = [log for log in logs if log["event"] == "gateway.contact_read"]
    assert granted["provider_id"] == "alpha" and granted["referral_id"] == OWN
    assert "Amina" not in repr(logs) and "2307" not in repr(logs)


@pytest.mark.parametrize(
    ("provider_id", "referral_id"),
    [("alpha", OTHERS), ("beta", OWN), ("alpha", UNKNOWN)],
    ids=["alpha-asks-for-beta's", "beta-asks-for-alpha's", "unknown"],
)
async def test_another_providers_referral_looks_like_no_referral_and_intake_is_not_asked(
    contacts: httpx.AsyncClient,
    harness: Harness,
    intake: FakeIntake,
    provider_id: str,
    referral_id: str,
) -> None:
    with capture_logs() as logs:
        answer = await contacts.get(_contact_of(referral_id), headers=_as(harness, provider_id))

    assert answer.status_code == 404
    assert answer.json() == {
        "detail": [
            {
                "field": "referral_id",
                "reason": "referral_not_found",
                "message": "no referral with this id was sent to you",
            }
        ]
    }
    assert intake.asked == []
    [refused] = [log for log in logs if log["event"] == "gateway.request_refused"]
    assert refused["provider_id"] == provider_id
    assert refused["reason"] == "referral_not_found"


async def test_a_withdrawn_referral_is_no_longer_active(
    contacts: httpx.AsyncClient, harness: Harness, intake: FakeIntake
) -> None:
    await harness.publish(
        ReferralWithdrawn(
            participant_id=PARTICIPANT,
            referral_id=OWN,
            provider_id="alpha",
            stage="language",
            reason="caseworker_decision",
        )
    )
    await eventually(lambda: len(harness.to_providers["alpha"]) == 2, "the withdrawal")

    answer = await contacts.get(_contact_of(OWN), headers=_as(harness, "alpha"))

    assert answer.status_code == 409, answer.text
    assert _reason(answer) == "referral_not_active"
    assert "withdrawn" in answer.json()["detail"][0]["message"]
    assert intake.asked == []


async def test_a_referral_the_provider_rejected_is_no_longer_active(
    contacts: httpx.AsyncClient, harness: Harness, intake: FakeIntake
) -> None:
    rejected = report("rejected", OWN, "r-1", reason="no_places")
    posted = await contacts.post("/api/reports", json=rejected, headers=_as(harness, "alpha"))
    assert posted.status_code == 201, posted.text

    answer = await contacts.get(_contact_of(OWN), headers=_as(harness, "alpha"))

    assert answer.status_code == 409
    assert _reason(answer) == "referral_not_active"
    assert intake.asked == []


async def test_an_accepted_and_an_enrolled_referral_are_still_active(
    contacts: httpx.AsyncClient, harness: Harness, intake: FakeIntake
) -> None:
    states = []
    for step, kind in enumerate(("accepted", "enrolled")):
        body = report(kind, OWN, f"r-{step}")
        posted = await contacts.post("/api/reports", json=body, headers=_as(harness, "alpha"))
        assert posted.status_code == 201, posted.text
        answer = await contacts.get(_contact_of(OWN), headers=_as(harness, "alpha"))
        states.append((await _state(harness, OWN), answer.status_code))

    assert states == [("accepted", 200), ("enrolled", 200)]


async def test_after_the_chain_stopped_sharing_the_gateway_refuses_without_asking_intake(
    contacts: httpx.AsyncClient, harness: Harness, intake: FakeIntake
) -> None:
    await harness.publish(SharingStopped(participant_id=PARTICIPANT, reason="consent_withdrawn"))
    await _until_sharing_stopped(harness)

    answer = await contacts.get(_contact_of(OWN), headers=_as(harness, "alpha"))

    assert answer.status_code == 403
    assert _reason(answer) == "no_consent"
    assert intake.asked == []


async def _until_sharing_stopped(harness: Harness) -> None:
    """The chain consumer has recorded that sharing stopped (bounded wait)."""
    for _ in range(200):
        async with harness.gateway.sessions() as session:
            facts = await session.get(ParticipantFactsRow, PARTICIPANT)
        if facts is not None and not facts.sharing:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the gateway never learnt that sharing stopped")


@pytest.mark.parametrize(
    ("denial", "status", "reason"),
    [
        (Denial.NO_CONSENT, 403, "no_consent"),
        (Denial.ERASED, 410, "participant_erased"),
        (Denial.NOT_FOUND, 404, "referral_not_found"),
    ],
)
async def test_intakes_denial_reaches_the_provider_with_its_reason(
    contacts: httpx.AsyncClient,
    harness: Harness,
    intake: FakeIntake,
    denial: Denial,
    status: int,
    reason: str,
) -> None:
    intake.answer = denial

    with capture_logs() as logs:
        answer = await contacts.get(_contact_of(OWN), headers=_as(harness, "alpha"))

    assert answer.status_code == status
    assert _reason(answer) == reason
    assert intake.asked == [(PARTICIPANT, "alpha", OWN)]
    assert [log["reason"] for log in logs if log["event"] == "gateway.request_refused"] == [reason]


@pytest.mark.parametrize("credential", ["none", "malformed", "forged", "revoked"])
async def test_without_a_valid_api_key_nothing_is_asked(
    contacts: httpx.AsyncClient, harness: Harness, intake: FakeIntake, credential: str
) -> None:
    keys = {
        "malformed": "not-a-key",
        "forged": harness.keys["alpha"][:-4] + "AAAA",
        "revoked": harness.keys["alpha"],
    }
    if credential == "revoked":
        admin = {"Authorization": "Bearer admin-token-for-tests"}
        assert (await contacts.delete("/admin/providers/alpha", headers=admin)).status_code == 204
    headers = {} if credential == "none" else {"Authorization": f"Bearer {keys[credential]}"}

    answer = await contacts.get(_contact_of(OWN), headers=headers)

    assert answer.status_code == 401
    assert _reason(answer) == "invalid_api_key"
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert intake.asked == []


async def test_while_intake_is_down_the_provider_is_told_when_to_retry(
    contacts: httpx.AsyncClient, harness: Harness, intake: FakeIntake
) -> None:
    intake.answer = None

    answer = await contacts.get(_contact_of(OWN), headers=_as(harness, "alpha"))

    assert answer.status_code == 503
    assert _reason(answer) == "intake_unavailable"
    assert answer.headers["Retry-After"] == str(harness.gateway.settings.intake_retry_after_seconds)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _answering(status: int, body: Any = None) -> httpx.MockTransport:
    return httpx.MockTransport(lambda _: httpx.Response(status, json=body))


@pytest.mark.parametrize(
    "adapter",
    [
        HttpIntakeContacts(f"http://127.0.0.1:{_closed_port()}", SecretStr("t"), timeout=2),
        HttpIntakeContacts("http://intake", None),
        HttpIntakeContacts("http://intake", SecretStr("t"), transport=_answering(401)),
        HttpIntakeContacts("http://intake", SecretStr("t"), transport=_answering(500)),
        HttpIntakeContacts("http://intake", SecretStr("t"), transport=_answering(200, {"x": 1})),
    ],
    ids=["connection-refused", "no-token-configured", "token-refused", "error", "unreadable"],
)
async def test_the_http_adapter_turns_an_intake_it_cannot_use_into_503(
    harness: Harness, adapter: HttpIntakeContacts
) -> None:
    await harness.refer(OWN, "alpha")
    async with await _client(harness, adapter) as client:
        answer = await client.get(_contact_of(OWN), headers=_as(harness, "alpha"))

    assert answer.status_code == 503, answer.text
    assert _reason(answer) == "intake_unavailable"
    assert int(answer.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("status", "denial"),
    [(403, Denial.NO_CONSENT), (404, Denial.NOT_FOUND), (410, Denial.ERASED)],
)
async def test_the_http_adapter_reads_intakes_refusals_as_denials(
    status: int, denial: Denial
) -> None:
    adapter = HttpIntakeContacts("http://intake", SecretStr("t"), transport=_answering(status))

    with pytest.raises(ContactDenied) as denied:
        await adapter.contact(PARTICIPANT, "alpha", OWN)

    assert denied.value.denial is denial


async def test_the_http_adapter_asks_intake_with_the_service_token_and_the_referral() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"participant_id": PARTICIPANT, **AMINA.model_dump()})

    adapter = HttpIntakeContacts(
        "http://intake/", SecretStr("service-token"), transport=httpx.MockTransport(answer)
    )

    contact = await adapter.contact(PARTICIPANT, "alpha", OWN)

    assert contact == AMINA
    [request] = seen
    assert request.url.path == f"/internal/participants/{PARTICIPANT}/contact"
    assert dict(request.url.params) == {"provider_id": "alpha", "referral_id": OWN}
    assert request.headers["Authorization"] == "Bearer service-token"
