"""The caseworker's screens on real Kafka and Temporal: log in, register a person through the
form, see the case with its German plan, take a decision and see the timeline move."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from chain_stack_support import ChainStack
from intake_support import PASSWORD
from test_intake_on_real_stack import intake_on

from kette_core.contracts.vocabulary import ActorRole
from kette_intake.auth.accounts import create_account
from kette_workflows.api import ChainNotFound
from tests.component.intake.intake_web_support import (
    Browser,
    field_error,
    heading,
    registration_form,
)

pytestmark = pytest.mark.integration

NewTopic = Callable[..., Awaitable[str]]


@asynccontextmanager
async def signed_in_intake(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> AsyncIterator[tuple[Browser, httpx.Response]]:
    """Intake on the chain stack's topics and Temporal; a caseworker of Kamen logged in."""
    async with intake_on(chain_stack, await new_topic("access"), tmp_path) as intake:
        username = f"maria-{uuid.uuid4().hex[:6]}"
        async with intake.parts.sessions() as session, session.begin():
            await create_account(session, username, PASSWORD, ActorRole.CASEWORKER, ["Kamen"])
        browser = Browser(intake.http)
        yield browser, await browser.log_in(username)


async def register_and_wait(chain_stack: ChainStack, browser: Browser) -> str:
    """Register through the form; the participant id once their chain has started."""
    await browser.get("/teilnehmende/neu")
    saved = await browser.post("/teilnehmende/neu", registration_form())
    assert saved.status_code == 303, saved.text
    participant_id = saved.headers["location"].split("/")[2]

    async def chain_planned() -> bool:
        try:
            return bool(await chain_stack.timeline(participant_id))
        except ChainNotFound:
            return False

    await chain_stack.wait_for(chain_planned, "the chain to start from the registration")
    return participant_id


async def test_a_caseworker_registers_sees_the_case_and_takes_a_decision_in_the_browser(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> None:
    async with signed_in_intake(chain_stack, new_topic, tmp_path) as (browser, login):
        participant_id = await register_and_wait(chain_stack, browser)
        case = await browser.get(f"/faelle/{participant_id}")
        plan = await chain_stack.chains.plan(participant_id)

        async def listed() -> bool:
            return participant_id in (await browser.get("/fallliste")).text

        await chain_stack.wait_for(listed, "the case in her caseload")
        caseload = browser.last_page
        await browser.get(f"/faelle/{participant_id}")
        refused = await browser.post(
            f"/faelle/{participant_id}/aenderungen/change_goal",
            {"change_goal.goal.target_stage": "apprenticeship"},
        )
        paused = await browser.post(
            f"/faelle/{participant_id}/pause_case",
            {"pause_case.reason": "childcare", "request_id": uuid.uuid4().hex},
        )
        after = await browser.get(paused.headers["location"])
        state = await chain_stack.chains.state(participant_id)

    assert login.status_code == 303
    assert case.status_code == 200, case.text
    assert heading(case.text) == "Amina Haddad"
    assert all(p.reason_de.replace('"', "&#34;") in case.text for p in plan.stages)
    assert "Amina Haddad" in caseload
    assert refused.status_code == 422
    message = field_error(refused.text, "f-change-goal-goal-target-stage")
    assert message == "Dieses Ziel ist bereits vereinbart."
    assert paused.status_code == 303, paused.text
    assert state.status == "paused"
    assert "Gespeichert: Fall ruhen lassen." in after.text
    assert "Fall ruht" in after.text


async def test_an_erasure_on_the_case_page_closes_the_chain_and_the_person_is_gone(
    chain_stack: ChainStack, new_topic: NewTopic, tmp_path: Path
) -> None:
    async with signed_in_intake(chain_stack, new_topic, tmp_path) as (browser, _):
        participant_id = await register_and_wait(chain_stack, browser)
        await browser.get(f"/faelle/{participant_id}")
        erased = await browser.post(
            f"/faelle/{participant_id}/loeschen",
            {"erasure.ground": "data_subject_request", "erasure.confirmed": "ja"},
        )

        async def chain_closed() -> bool:
            try:
                return (await chain_stack.chains.state(participant_id)).status == "closed"
            except ChainNotFound:
                return True

        await chain_stack.wait_for(chain_closed, "the erasure to close the chain")
        case = await browser.get(f"/faelle/{participant_id}")
        caseload = await browser.get("/fallliste")

    assert erased.status_code == 303
    assert case.status_code == 404
    assert "Haddad" not in case.text + caseload.text
