"""Intake on real Kafka and Temporal: a registration starts the chain, and no personal data
reaches Kafka, the workflow history or the chain's logs."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from chain_stack_support import ChainStack, TopicRecorder
from intake_support import IntakeUnderTest, intake_settings, registration, running_intake

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.app import Ports
from kette_workflows.api import ChainClient, ChainNotFound

pytestmark = pytest.mark.integration

NewTopic = Callable[..., Awaitable[str]]


@asynccontextmanager
async def intake_on(
    chain_stack: ChainStack, access_topic: str, tmp_path: Path
) -> AsyncIterator[IntakeUnderTest]:
    """Intake publishing to the chain stack's private topics through its real relay."""
    settings = intake_settings(
        f"sqlite+aiosqlite:///{tmp_path}/intake.db",
        kafka_bootstrap=chain_stack.settings.kafka_bootstrap,
        temporal_address=chain_stack.settings.temporal_address,
        participants_topic=chain_stack.settings.participants_topic,
        access_topic=access_topic,
    )
    async with running_intake(settings, Ports()) as service:
        yield service


async def chain_started(chains: ChainClient, participant_id: str) -> bool:
    try:
        await chains.state(participant_id)
    except ChainNotFound:
        return False
    return True


async def test_a_registration_through_the_api_starts_the_participants_chain(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> None:
    async with intake_on(chain_stack, await new_topic("access"), tmp_path) as intake:
        caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        born = date(datetime.now(UTC).year - 22, 5, 17)
        body = registration(personal={"birth_date": born.isoformat()})

        answer = await intake.http.post("/api/participants", json=body, headers=caseworker)
        participant_id = answer.json()["participant_id"]
        await chain_stack.wait_for(
            lambda: chain_started(chain_stack.chains, participant_id), "the chain to start"
        )
        state = await chain_stack.chains.state(participant_id)
        ready = await intake.http.get("/readyz")

    assert answer.status_code == 201, answer.text
    assert (state.participant_id, state.kommune, state.status) == (
        participant_id,
        "Kamen",
        "active",
    )
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) == {"database", "kafka", "temporal"}


async def test_canary_personal_data_appears_on_no_topic_history_or_log_and_erasure_removes_it(
    chain_stack: ChainStack,
    new_topic: NewTopic,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    marker = uuid.uuid4().hex[:10]
    born = date(datetime.now(UTC).year - 22, random.randint(1, 12), random.randint(1, 28))
    canaries = {
        "given_name": f"Kanarienvogel{marker}",
        "family_name": f"Zwitscher{marker}",
        "phone": f"+49 170 {random.randint(1000000, 9999999)}",
    }
    access_topic = await new_topic("access")
    async with intake_on(chain_stack, access_topic, tmp_path) as intake:
        caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        body = registration(personal={**canaries, "birth_date": born.isoformat()})
        answer = await intake.http.post("/api/participants", json=body, headers=caseworker)
        participant_id = answer.json()["participant_id"]
        read = await intake.http.get(f"/api/participants/{participant_id}", headers=caseworker)
        await chain_stack.wait_for(
            lambda: "kette.chain.started.v1" in chain_stack.chain.types_of(participant_id),
            "the chain's first events",
        )
        exported = await intake.http.get(
            f"/api/participants/{participant_id}/data-export", headers=caseworker
        )
        erased = await intake.http.post(
            f"/api/participants/{participant_id}/erasure", json={}, headers=caseworker
        )
        await chain_stack.wait_for(
            lambda: "kette.chain.closed.v1" in chain_stack.chain.types_of(participant_id),
            "the erased person's chain to close",
        )
        gone = {
            path: await intake.http.get(path, headers=caseworker)
            for path in (
                f"/api/participants/{participant_id}",
                f"/api/participants/{participant_id}/data-export",
                f"/api/participants/{participant_id}/data-export.html",
                f"/api/participants/{participant_id}/consents",
                f"/api/participants/{participant_id}/case",
            )
        }
        caseload = await intake.http.get("/api/caseload?status=closed", headers=caseworker)
        openapi = await intake.http.get("/openapi.json")

    settings = chain_stack.settings
    topics = [
        settings.participants_topic,
        access_topic,
        settings.chain_topic,
        settings.matching_topic,
        settings.provider_status_topic,
        settings.deadletter_topic,
    ]
    recorders = [TopicRecorder(settings.kafka_bootstrap, topic) for topic in topics]
    for recorder in recorders:
        await recorder.start()
    participants, access = recorders[0], recorders[1]
    await chain_stack.wait_for(
        lambda: bool(participants.events_of(participant_id) and access.events_of(participant_id)),
        "intake's events to be read back",
    )
    for recorder in recorders:
        await recorder.stop()
    on_kafka = "\n".join(
        repr((record.key, record.value, record.ce_type))
        for recorder in recorders
        for record in recorder.records
    )
    handle = chain_stack.client.get_workflow_handle(f"chain-{participant_id}")
    history = (await handle.fetch_history()).to_json()
    logs = chain_stack.worker.logs() + chain_stack.bridge.logs() + "".join(capfd.readouterr())

    assert read.status_code == 200
    assert read.json()["personal"]["family_name"] == canaries["family_name"]
    assert exported.json()["personal"]["phone"] == canaries["phone"]
    assert erased.status_code == 201, erased.text
    assert {path: answer.status_code for path, answer in gone.items()} == dict.fromkeys(gone, 404)
    assert caseload.status_code == 200, caseload.text
    participant_paths = [
        path for path in openapi.json()["paths"] if path.startswith("/api/participants/{")
    ]
    for path in participant_paths:  # every GET on the person was asked above
        assert (
            "get" not in openapi.json()["paths"][path]
            or path.replace("{participant_id}", participant_id) in gone
        ), f"{path} was not checked after the erasure"
    after_erasure = caseload.text + "".join(answer.text for answer in gone.values())
    assert participant_id not in caseload.text
    assert [needle for needle in (marker, canaries["phone"]) if needle in after_erasure] == []
    needles = [
        marker,
        canaries["phone"],
        canaries["phone"].replace(" ", ""),
        born.isoformat(),
        born.strftime("%d.%m.%Y"),
        born.strftime("%Y%m%d"),
    ]
    for text in (on_kafka, history, logs):  # each scan sees the participant, so it can see
        assert participant_id in text
    for place, text in (("Kafka", on_kafka), ("workflow history", history), ("logs", logs)):
        found = [needle for needle in needles if needle in text]
        assert found == [], f"personal data in the {place}: {found}"
