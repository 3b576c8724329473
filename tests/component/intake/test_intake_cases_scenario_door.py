"""The demo scenario through intake's door: logins created once, a re-run registers nobody
twice, decisions come back as taken, rejected or too late."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from kette_core.contracts.chain import PauseReason
from kette_devstack.scenario.__main__ import register_through_intake
from kette_devstack.scenario.accounts import DEMO_PASSWORD, demo_accounts, ensure_demo_accounts
from kette_devstack.scenario.cohort import build_cohort, caseworker_for
from kette_devstack.scenario.door import IntakeDoor, Verdict
from kette_intake.settings import KREIS_UNNA
from kette_workflows.api import PauseCase, ResumeCase
from tests.component.intake.intake_web_support import TODAY, WebUnderTest, running_web

pytestmark = pytest.mark.component


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[WebUnderTest]:
    async with running_web(f"sqlite+aiosqlite:///{tmp_path}/intake.db") as service:
        yield service


@pytest.fixture
async def door(web: WebUnderTest) -> AsyncIterator[IntakeDoor]:
    """The scenario's client on the in-process app, its demo logins in place."""
    url = str(web.parts.sessions.kw["bind"].url)
    await ensure_demo_accounts(url, demo_accounts(KREIS_UNNA))
    client = IntakeDoor("http://intake", DEMO_PASSWORD, transport=web.transport)
    yield client
    await client.close()


async def test_demo_logins_are_created_once(web: WebUnderTest, door: IntakeDoor) -> None:
    url = str(web.parts.sessions.kw["bind"].url)

    again = await ensure_demo_accounts(url, demo_accounts(KREIS_UNNA))

    assert again == []
    assert await web.rows_count("accounts") == len(KREIS_UNNA) + 3


async def test_a_rerun_of_the_same_cohort_registers_nobody_twice(
    web: WebUnderTest, door: IntakeDoor
) -> None:
    first = build_cohort(12, seed=4, registered_on=TODAY)
    again = build_cohort(12, seed=4, registered_on=TODAY)

    await register_through_intake(door, first, TODAY.isoformat())
    await register_through_intake(door, again, TODAY.isoformat())

    assert first.participant_ids() == again.participant_ids()
    assert len(set(first.participant_ids())) == 12
    assert await web.rows_count("participants") == 12


async def test_decisions_through_the_door_are_taken_rejected_or_too_late(
    web: WebUnderTest, door: IntakeDoor
) -> None:
    cohort = build_cohort(1, seed=4, registered_on=TODAY)
    await register_through_intake(door, cohort, TODAY.isoformat())
    [participant_id] = cohort.participant_ids()
    kommune = cohort.members[0].registration.kommune
    web.chains.start(participant_id, kommune)
    caseworker = caseworker_for(kommune)
    pause = PauseCase(reason=PauseReason.PERSONAL_CIRCUMSTANCES, caseworker_id=caseworker)

    taken = await door.decide(participant_id, pause, "scenario:test:pause")
    rejected = await door.decide(participant_id, pause, "scenario:test:pause-again")
    resumed = await door.decide(
        participant_id, ResumeCase(caseworker_id=caseworker), "scenario:test:resume"
    )
    gone = await door.decide("p-00000000-0000-4000-8000-000000000000", pause, "scenario:test:x")

    assert (taken, rejected, resumed, gone) == (
        Verdict.TAKEN,
        Verdict.REJECTED,
        Verdict.TAKEN,
        Verdict.TOO_LATE,
    )
    assert [type(d).__name__ for _, d in web.chains.decided] == ["PauseCase", "ResumeCase"]
    assert {d.caseworker_id for _, d in web.chains.decided} != {caseworker}  # intake's actor id
