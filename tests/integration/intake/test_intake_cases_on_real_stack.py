"""The caseworker's cases through intake's API on real Kafka and Temporal: caseload, case view
and decisions, scoped by Kommune; a rejected decision changes nothing; Temporal away is a 503."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from chain_stack_support import ChainStack
from intake_support import IntakeUnderTest, intake_settings, registration, running_intake

from kette_core.contracts.matching import OffersProposed, Proposal
from kette_core.contracts.vocabulary import ActorRole
from kette_core.envelope import new_event
from kette_core.ids import stable_event_id
from kette_intake.app import Ports
from kette_workflows.api import ChainNotFound

pytestmark = pytest.mark.integration

NewTopic = Callable[..., Awaitable[str]]
Headers = dict[str, str]


@asynccontextmanager
async def cases_intake(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> AsyncIterator[IntakeUnderTest]:
    """Intake on the chain stack's private topics, its real relay and Temporal."""
    settings = intake_settings(
        f"sqlite+aiosqlite:///{tmp_path}/intake.db",
        kafka_bootstrap=chain_stack.settings.kafka_bootstrap,
        temporal_address=chain_stack.settings.temporal_address,
        participants_topic=chain_stack.settings.participants_topic,
        access_topic=await new_topic("access"),
    )
    async with running_intake(settings, Ports()) as service:
        yield service


def born_aged(years: int) -> str:
    return date(datetime.now(UTC).year - years, 3, 9).isoformat()


async def enrol(
    intake: IntakeUnderTest, chain_stack: ChainStack, headers: Headers, **changes: Any
) -> str:
    """Register through the API and wait until the chain has asked matching for offers."""
    changes.setdefault("personal", {})
    changes["personal"] = {"birth_date": born_aged(21), **changes["personal"]}
    answer = await intake.http.post(
        "/api/participants", json=registration(**changes), headers=headers
    )
    assert answer.status_code == 201, answer.text
    participant_id: str = answer.json()["participant_id"]

    async def asked_matching() -> bool:
        try:
            timeline = await chain_stack.timeline(participant_id)
        except ChainNotFound:
            return False
        state = await chain_stack.state(participant_id)
        asked = any(event.kind == "referral_requested" for event in timeline)
        return asked and state.published_up_to == state.last_sequence

    await chain_stack.wait_for(asked_matching, "the chain to ask matching and publish")
    return participant_id


async def propose(chain_stack: ChainStack, participant_id: str, *offer_ids: str) -> None:
    """Answer the chain's referral request as matching would."""
    request = next(
        event
        for event in await chain_stack.timeline(participant_id)
        if event.kind == "referral_requested"
    )
    module = request.modules[0]  # type: ignore[union-attr]
    answer = OffersProposed(
        participant_id=participant_id,
        request_id=request.request_id,  # type: ignore[union-attr]
        stage=request.stage,  # type: ignore[union-attr]
        module=module,
        proposals=tuple(
            Proposal(offer_id=offer_id, provider_id="prov-vhs-unna", module=module, score=0.9)
            for offer_id in offer_ids
        ),
    )
    event_id = stable_event_id(answer.event_type, answer.request_id)
    event = new_event(answer, source="/kette/test/matching", event_id=event_id)
    await chain_stack.publisher.publish(event, chain_stack.settings.matching_topic)


async def case_of(intake: IntakeUnderTest, participant_id: str, headers: Headers) -> httpx.Response:
    return await intake.http.get(f"/api/participants/{participant_id}/case", headers=headers)


async def decide(
    intake: IntakeUnderTest, participant_id: str, name: str, body: dict[str, Any], headers: Headers
) -> httpx.Response:
    path = f"/api/participants/{participant_id}/decisions/{name}"
    return await intake.http.post(path, json=body, headers=headers)


async def test_a_caseworker_confirms_a_proposed_offer_and_sees_the_timeline_move(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> None:
    async with cases_intake(chain_stack, new_topic, tmp_path) as intake:
        caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        participant_id = await enrol(intake, chain_stack, caseworker)
        await propose(chain_stack, participant_id, "vhs-kamen-a2", "vhs-kamen-a2-abend")

        async def offers_shown() -> bool:
            return bool(
                (await case_of(intake, participant_id, caseworker)).json()["proposed_offers"]
            )

        await chain_stack.wait_for(offers_shown, "the proposals in the case view")
        before = (await case_of(intake, participant_id, caseworker)).json()
        stage = before["proposed_offers"][0]["stage"]
        confirmed = await decide(
            intake,
            participant_id,
            "confirm_offer",
            {"stage": stage, "offer_id": "vhs-kamen-a2"},
            {**caseworker, "Idempotency-Key": "confirm-vhs-kamen-a2"},
        )
        after = (await case_of(intake, participant_id, caseworker)).json()

    assert before["name"] == "Amina Haddad"
    assert [o["offer_id"] for o in before["proposed_offers"]] == [
        "vhs-kamen-a2",
        "vhs-kamen-a2-abend",
    ]
    assert [s["reason_de"] for s in before["plan"]["stages"]] and all(
        s["reason_de"] for s in before["plan"]["stages"]
    )
    assert "confirm_offer" in before["decisions"]
    assert confirmed.status_code == 200, confirmed.text
    assert "referral_confirmed" in confirmed.json()["events"]
    assert (
        after["timeline"][-len(confirmed.json()["events"]) :][0]["kind"]
        == (confirmed.json()["events"][0])
    )
    assert after["proposed_offers"] == []
    referral = next(e for e in after["timeline"] if e["kind"] == "referral_confirmed")
    assert referral["decided_by"] == intake_actor(caseworker, intake)


def intake_actor(headers: Headers, intake: IntakeUnderTest) -> str:
    """The pseudonymous actor id the caseworker's token carries."""
    token = headers["Authorization"].removeprefix("Bearer ")
    return intake.parts.signer.verify(token).actor_id


async def test_a_rejected_decision_names_its_field_in_english_and_german_and_changes_nothing(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> None:
    async with cases_intake(chain_stack, new_topic, tmp_path) as intake:
        caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        participant_id = await enrol(intake, chain_stack, caseworker)
        state_before = await chain_stack.state(participant_id)
        timeline_before = await chain_stack.timeline(participant_id)

        rejected = await decide(intake, participant_id, "resume_case", {}, caseworker)
        state_after = await chain_stack.state(participant_id)
        timeline_after = await chain_stack.timeline(participant_id)
        paused = await decide(
            intake, participant_id, "pause_case", {"reason": "personal_circumstances"}, caseworker
        )
        timeline_paused = await chain_stack.timeline(participant_id)

    assert rejected.status_code == 422, rejected.text
    assert rejected.json() == {
        "errors": [
            {
                "field": "status",
                "reason": "case is not paused",
                "message_de": "Der Fall ruht nicht.",
            }
        ]
    }
    assert (state_after, timeline_after) == (state_before, timeline_before)
    assert paused.status_code == 200, paused.text
    # the accepted decision's events follow directly on what was there: the rejection left none
    assert [e.kind for e in timeline_paused[len(timeline_before) :]] == paused.json()["events"]


async def test_cases_are_seen_by_kommune_and_role_and_decided_only_by_caseworkers(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> None:
    async with cases_intake(chain_stack, new_topic, tmp_path) as intake:
        kamen = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        unna = await intake.login_as(ActorRole.CASEWORKER, ["Unna"])
        coordinator = await intake.login_as(ActorRole.COORDINATOR, [])
        auditor = await intake.login_as(ActorRole.AUDITOR, [])
        admin = await intake.login_as(ActorRole.ADMIN, [])
        participant_id = await enrol(intake, chain_stack, kamen)
        pause = {"reason": "personal_circumstances"}

        answers = {
            "other kommune case": await case_of(intake, participant_id, unna),
            "other kommune decision": await decide(
                intake, participant_id, "pause_case", pause, unna
            ),
            "coordinator case": await case_of(intake, participant_id, coordinator),
            "auditor case": await case_of(intake, participant_id, auditor),
            "auditor decision": await decide(intake, participant_id, "pause_case", pause, auditor),
            "admin case": await case_of(intake, participant_id, admin),
            "admin caseload": await intake.http.get("/api/caseload", headers=admin),
            "unknown case": await case_of(intake, "p-00000000-0000-4000-8000-000000000000", kamen),
            "no token": await intake.http.get(f"/api/participants/{participant_id}/case"),
            "coordinator decision": await decide(
                intake, participant_id, "pause_case", pause, coordinator
            ),
        }
        state = await chain_stack.state(participant_id)

    status = {name: answer.status_code for name, answer in answers.items()}
    assert status == {
        "other kommune case": 404,
        "other kommune decision": 404,
        "coordinator case": 200,
        "auditor case": 200,
        "auditor decision": 403,
        "admin case": 403,
        "admin caseload": 403,
        "unknown case": 404,
        "no token": 401,
        "coordinator decision": 200,
    }
    assert answers["other kommune case"].json()["errors"][0]["field"] == "participant_id"
    assert answers["coordinator case"].json()["name"] == "Amina Haddad"
    assert answers["auditor case"].json()["name"] is None
    assert answers["auditor case"].json()["decisions"] == []
    assert "Amina" not in answers["auditor case"].text
    assert state.status == "paused"  # only the coordinator's decision went through


async def test_the_caseload_filters_by_kommune_and_status_and_withholds_names_from_auditors(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> None:
    async with cases_intake(chain_stack, new_topic, tmp_path) as intake:
        coordinator = await intake.login_as(ActorRole.COORDINATOR, [])
        auditor = await intake.login_as(ActorRole.AUDITOR, [])
        kamen = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        in_kamen = await enrol(intake, chain_stack, coordinator)
        in_unna = await enrol(
            intake,
            chain_stack,
            coordinator,
            kommune="Unna",
            personal={"given_name": "Yonas", "family_name": "Tesfay"},
        )
        paused = await decide(
            intake, in_unna, "pause_case", {"reason": "personal_circumstances"}, coordinator
        )
        assert paused.status_code == 200, paused.text

        async def caseload(headers: Headers, **query: str) -> list[dict[str, Any]]:
            answer = await intake.http.get("/api/caseload", params=query, headers=headers)
            assert answer.status_code == 200, answer.text
            rows: list[dict[str, Any]] = answer.json()["rows"]
            return rows

        async def visible() -> bool:  # the visibility store lags, for each chain on its own
            paused = [r["participant_id"] for r in await caseload(coordinator, status="paused")]
            listed = {r["participant_id"] for r in await caseload(coordinator)}
            return paused == [in_unna] and listed == {in_kamen, in_unna}

        await chain_stack.wait_for(visible, "both chains and the pause in Temporal's visibility")
        everyone = await caseload(coordinator)
        only_unna = await caseload(coordinator, kommune="Unna")
        her_own = await caseload(kamen)
        pseudonymous = await caseload(auditor)
        outside = await intake.http.get("/api/caseload", params={"kommune": "Unna"}, headers=kamen)

    assert sorted((r["participant_id"], r["name"]) for r in everyone) == sorted(
        [(in_kamen, "Amina Haddad"), (in_unna, "Yonas Tesfay")]
    )
    assert [r["participant_id"] for r in only_unna] == [in_unna]
    assert [(r["participant_id"], r["kommune"]) for r in her_own] == [(in_kamen, "Kamen")]
    assert sorted(r["participant_id"] for r in pseudonymous) == sorted([in_kamen, in_unna])
    assert {r["name"] for r in pseudonymous} == {None}
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "kommune"


async def test_with_temporal_away_intake_starts_and_case_requests_get_503_saying_what_happens(
    tmp_path: Path,
) -> None:
    settings = intake_settings(
        f"sqlite+aiosqlite:///{tmp_path}/intake.db", temporal_address="127.0.0.1:9"
    )
    async with running_intake(settings) as intake:
        caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        body = registration(personal={"birth_date": born_aged(21)})
        registered = await intake.http.post("/api/participants", json=body, headers=caseworker)
        participant_id = registered.json()["participant_id"]
        case = await case_of(intake, participant_id, caseworker)
        decision = await decide(
            intake, participant_id, "pause_case", {"reason": "personal_circumstances"}, caseworker
        )
        caseload = await intake.http.get("/api/caseload", headers=caseworker)

    assert registered.status_code == 201  # the chain starts from the event once Temporal is back
    for answer in (case, decision, caseload):
        assert answer.status_code == 503, answer.text
        assert answer.headers["Retry-After"] == "30"
        [problem] = answer.json()["errors"]
        assert problem["field"] == "temporal"
        assert "nothing was changed" in problem["reason"]
        assert problem["message_de"].startswith("Die Kette ist gerade nicht erreichbar")
        assert "Traceback" not in answer.text
