"""The public ChainClient: typed decisions in, typed views and errors out, no names to spell."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from chain_harness import CASEWORKER, ChainDriver, now_of, running_chain
from temporalio.testing import WorkflowEnvironment

from kette_core.contracts.chain import PauseReason
from kette_core.contracts.vocabulary import Stage
from kette_workflows.api import (
    ChainClient,
    ChainNotFound,
    ConfirmOffer,
    DecisionRejected,
    PauseCase,
    PlanView,
    ResumeCase,
)
from tests.support.profiles import learner_profile

pytestmark = pytest.mark.component

UNKNOWN = "p-never-registered"

READS: dict[str, Callable[[ChainClient], Awaitable[Any]]] = {
    "decide": lambda chains: chains.decide(UNKNOWN, ResumeCase(caseworker_id=CASEWORKER)),
    "state": lambda chains: chains.state(UNKNOWN),
    "plan": lambda chains: chains.plan(UNKNOWN),
    "tasks": lambda chains: chains.tasks(UNKNOWN),
    "timeline": lambda chains: chains.timeline(UNKNOWN),
}


@pytest.fixture
async def driver(time_skipping_env: WorkflowEnvironment) -> AsyncIterator[ChainDriver]:
    """A learner's chain, just started: it waits for matching's proposal for language."""
    today = (await now_of(time_skipping_env)).date()
    async with running_chain(time_skipping_env, learner_profile(today)) as driver:
        yield driver


@pytest.mark.parametrize("call", READS.values(), ids=READS.keys())
async def test_a_participant_without_a_chain_is_chain_not_found_naming_the_participant(
    time_skipping_env: WorkflowEnvironment, call: Callable[[ChainClient], Awaitable[Any]]
) -> None:
    chains = ChainClient(time_skipping_env.client)

    with pytest.raises(ChainNotFound) as missing:
        await call(chains)

    assert missing.value.participant_id == UNKNOWN
    assert UNKNOWN in str(missing.value)


async def test_an_accepted_decision_is_seen_by_every_query(driver: ChainDriver) -> None:
    chains, pid = driver.chains, driver.participant_id
    await driver.propose(Stage.LANGUAGE, "vhs-a2")
    confirm = ConfirmOffer(stage=Stage.LANGUAGE, offer_id="vhs-a2", caseworker_id=CASEWORKER)

    result = await chains.decide(pid, confirm)

    timeline = await chains.timeline(pid)
    state = await chains.state(pid)
    assert "referral_confirmed" in result.events
    assert [event.kind for event in timeline[-len(result.events) :]] == result.events
    assert (state.participant_id, state.status) == (pid, result.status)
    assert state.current_stages == [Stage.LANGUAGE]
    assert state.published_up_to == state.last_sequence == timeline[-1].sequence
    assert state.open_task_count == len(await chains.tasks(pid))


async def test_the_plan_comes_with_german_reasons(driver: ChainDriver) -> None:
    plan = await driver.chains.plan(driver.participant_id)

    assert isinstance(plan, PlanView)
    stages = [planned.stage for planned in plan.stages]
    assert stages[0] == Stage.LANGUAGE
    assert Stage.APPRENTICESHIP in stages
    assert all(planned.reason_de for planned in plan.stages)


async def test_a_rejected_decision_is_raised_as_decision_rejected_and_changes_nothing(
    driver: ChainDriver,
) -> None:
    chains, pid = driver.chains, driver.participant_id
    await driver.settled()
    before = await driver.snapshot()

    with pytest.raises(DecisionRejected) as rejected:
        await chains.decide(pid, ResumeCase(caseworker_id=CASEWORKER))

    assert rejected.value.field == "status"
    assert rejected.value.reason == "case is not paused"
    assert rejected.value.message_de == "Der Fall ruht nicht."
    assert await driver.snapshot() == before


async def test_a_decision_sent_again_with_its_update_id_is_taken_once(driver: ChainDriver) -> None:
    """A caller that retries after a lost reply (a restarted scenario player) decides once."""
    chains, pid = driver.chains, driver.participant_id
    pause = PauseCase(reason=PauseReason.OTHER, caseworker_id=CASEWORKER)

    first = await chains.decide(pid, pause, update_id="pause-1")
    again = await chains.decide(pid, pause, update_id="pause-1")

    assert again == first
    kinds = [event.kind for event in await chains.timeline(pid)]
    assert kinds.count(first.events[0]) == 1
