"""CaseService over the chain's pure domain (no Temporal): attention order, filters, names as
access events, decisions refused before the chain, and a stalled Temporal as a 503."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kette_core.contracts.vocabulary import ActorRole, Stage
from kette_intake.auth.principal import Principal
from kette_intake.cases.problems import CaseRefused
from kette_intake.cases.service import CaseService
from kette_intake.cases.views import CaseFilter
from kette_intake.participants.schemas import Registration
from kette_workflows.api import (
    ChainClient,
    ConfirmOffer,
    MatchResult,
    ProposedOffer,
    TaskKind,
)
from kette_workflows.domain import Chain
from tests.component.intake.intake_web_support import NOW, WebUnderTest, running_web
from tests.integration.intake.intake_support import registration

pytestmark = pytest.mark.component

KAMEN = Principal("cw-kamen-test", ActorRole.CASEWORKER, ("Kamen",))
UNNA = Principal("cw-unna-test", ActorRole.CASEWORKER, ("Unna",))
COORDINATOR = Principal("co-test", ActorRole.COORDINATOR, ())
AUDITOR = Principal("au-test", ActorRole.AUDITOR, ())
ADMIN = Principal("ad-test", ActorRole.ADMIN, ())
PII_READ = "kette.access.pii_read.v1"


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[WebUnderTest]:
    async with running_web(f"sqlite+aiosqlite:///{tmp_path}/intake.db") as service:
        yield service


async def enrolled(web: WebUnderTest, given_name: str, kommune: str = "Kamen") -> str:
    """Registered in intake, chain started as the bridge would."""
    body = registration(kommune=kommune, personal={"given_name": given_name})
    body["confirmed_not_duplicate"] = True
    answer, _ = await web.parts.participants.register(
        COORDINATOR, Registration.model_validate(body), None
    )
    web.chains.start(answer.participant_id, kommune)
    return answer.participant_id


def propose(chain: Chain, *offer_ids: str) -> None:
    """Matching answers the chain's open request."""
    request = next(e for e in chain.timeline() if e.kind == "referral_requested")
    offers = [
        ProposedOffer(offer_id=offer_id, provider_id="prov-vhs-unna", rank=rank)
        for rank, offer_id in enumerate(offer_ids, start=1)
    ]
    chain.offers_proposed(MatchResult(request_id=request.request_id, offers=offers), NOW)  # type: ignore[union-attr]


def provider_silent(chain: Chain) -> None:
    """Referred, and the provider's answer deadline passed without an answer."""
    propose(chain, "vhs-a2")
    chain.decide(
        ConfirmOffer(stage=Stage.LANGUAGE, offer_id="vhs-a2", caseworker_id="cw-kamen-test"), NOW
    )
    chain.fire_due_timers(NOW + timedelta(days=60))


async def test_the_caseload_puts_overdue_provider_answers_first_then_open_tasks(
    web: WebUnderTest,
) -> None:
    quiet = await enrolled(web, "Quiet")
    choosing = await enrolled(web, "Choosing")
    overdue = await enrolled(web, "Overdue")
    propose(web.chains.chains[choosing], "vhs-a2", "vhs-a2-b")
    provider_silent(web.chains.chains[overdue])

    rows = (await web.parts.cases.caseload(KAMEN)).rows

    assert [row.participant_id for row in rows] == [overdue, choosing, quiet]
    assert rows[0].overdue_answers >= 1
    assert TaskKind.PROVIDER_NO_RESPONSE in rows[0].task_kinds
    assert rows[1].task_kinds == [TaskKind.CHOOSE_OFFER]
    assert (rows[2].open_tasks, rows[2].overdue_answers) == (0, 0)
    assert [row.name for row in rows] == ["Overdue Haddad", "Choosing Haddad", "Quiet Haddad"]


async def test_the_caseload_filters_by_task_and_kommune_within_the_callers_scope(
    web: WebUnderTest,
) -> None:
    choosing = await enrolled(web, "Choosing")
    await enrolled(web, "Quiet")
    in_unna = await enrolled(web, "Unna", kommune="Unna")
    propose(web.chains.chains[choosing], "vhs-a2")

    with_choice = await web.parts.cases.caseload(KAMEN, CaseFilter(task=TaskKind.CHOOSE_OFFER))
    only_unna = await web.parts.cases.caseload(COORDINATOR, CaseFilter(kommune="Unna"))
    everyone = await web.parts.cases.caseload(COORDINATOR)
    with pytest.raises(CaseRefused) as outside:
        await web.parts.cases.caseload(KAMEN, CaseFilter(kommune="Unna"))

    assert [row.participant_id for row in with_choice.rows] == [choosing]
    assert [row.participant_id for row in only_unna.rows] == [in_unna]
    assert len(everyone.rows) == 3
    assert outside.value.status_code == 422
    assert outside.value.problems[0].field == "kommune"


async def test_each_name_shown_is_an_access_event_and_auditors_see_no_names(
    web: WebUnderTest,
) -> None:
    ids = {await enrolled(web, "Amina"), await enrolled(web, "Rama")}
    await web.relayed()
    reads_before = len(web.sent.of_type(PII_READ))

    seen = await web.parts.cases.caseload(KAMEN)
    reads = await web.sent_of(PII_READ, reads_before + 2)  # the relay publishes after commit
    pseudonymous = await web.parts.cases.caseload(AUDITOR)
    case = await web.parts.cases.case(AUDITOR, next(iter(ids)))
    await web.relayed()  # whatever the auditor's reads staged has gone out

    assert {row.participant_id for row in seen.rows} == ids
    assert all(row.name for row in seen.rows)
    new_reads = [record.headers for record in reads[reads_before:]]
    assert {headers["ce_subject"] for headers in new_reads} == ids
    assert pseudonymous.pseudonymous
    assert {row.name for row in pseudonymous.rows} == {None}
    assert case.name is None
    assert case.decisions == []
    assert len(web.sent.of_type(PII_READ)) == reads_before + 2  # auditors' reads show no names


async def test_admins_see_no_cases_and_auditors_take_no_decisions(web: WebUnderTest) -> None:
    participant_id = await enrolled(web, "Amina")

    refusals = []
    for call in (
        web.parts.cases.caseload(ADMIN),
        web.parts.cases.case(ADMIN, participant_id),
        web.parts.cases.decide(AUDITOR, participant_id, "pause_case", {"reason": "other"}),
    ):
        with pytest.raises(CaseRefused) as refused:
            await call
        refusals.append((refused.value.status_code, refused.value.problems[0].field))

    assert refusals == [(403, "authorization")] * 3
    assert web.chains.decided == []


async def test_a_caseworker_of_another_kommune_gets_404_for_case_and_decision(
    web: WebUnderTest,
) -> None:
    participant_id = await enrolled(web, "Amina")

    statuses = []
    for call in (
        web.parts.cases.case(UNNA, participant_id),
        web.parts.cases.decide(UNNA, participant_id, "pause_case", {"reason": "other"}),
    ):
        with pytest.raises(CaseRefused) as refused:
            await call
        statuses.append(refused.value.status_code)

    assert statuses == [404, 404]
    assert web.chains.decided == []


async def test_a_bad_decision_is_refused_with_field_and_german_text_before_the_chain(
    web: WebUnderTest,
) -> None:
    participant_id = await enrolled(web, "Amina")
    attempts = {
        "unknown decision": ("fly_to_the_moon", {}),
        "value not offered": ("pause_case", {"reason": "bored"}),
        "missing field": ("skip_stage", {"stage": "language"}),
        "caseworker named": ("pause_case", {"reason": "other", "caseworker_id": "cw-someone"}),
    }

    answers = {}
    for what, (name, fields) in attempts.items():
        with pytest.raises(CaseRefused) as refused:
            await web.parts.cases.decide(KAMEN, participant_id, name, fields)
        problem = refused.value.problems[0]
        answers[what] = (refused.value.status_code, problem.field, problem.message_de)

    assert answers == {
        "unknown decision": (404, "name", "Diese Entscheidung gibt es nicht."),
        "value not offered": (422, "reason", "Bitte einen der angebotenen Werte wählen."),
        "missing field": (422, "reason", "Angabe fehlt."),
        "caseworker named": (
            422,
            "caseworker_id",
            "Wer entscheidet, ergibt sich aus der Anmeldung.",
        ),
    }
    assert web.chains.decided == []


async def test_the_chains_rejection_keeps_its_field_and_german_message_and_changes_nothing(
    web: WebUnderTest,
) -> None:
    participant_id = await enrolled(web, "Amina")
    chain = web.chains.chains[participant_id]
    before = chain.to_json()

    with pytest.raises(CaseRefused) as refused:
        await web.parts.cases.decide(KAMEN, participant_id, "resume_case", {})

    assert refused.value.status_code == 422
    assert refused.value.problems[0].model_dump() == {
        "field": "status",
        "reason": "case is not paused",
        "message_de": "Der Fall ruht nicht.",
    }
    assert chain.to_json() == before


async def test_the_case_view_shows_untried_proposals_best_first_and_the_plan_in_german(
    web: WebUnderTest,
) -> None:
    participant_id = await enrolled(web, "Amina")
    propose(web.chains.chains[participant_id], "vhs-a2", "vhs-a2-b")

    case = await web.parts.cases.case(KAMEN, participant_id)
    decided = await web.parts.cases.decide(
        KAMEN, participant_id, "confirm_offer", {"stage": "language", "offer_id": "vhs-a2"}
    )
    after = await web.parts.cases.case(KAMEN, participant_id)

    assert case.name == "Amina Haddad"
    assert [(o.offer_id, o.rank) for o in case.proposed_offers] == [("vhs-a2", 1), ("vhs-a2-b", 2)]
    assert all(stage.reason_de for stage in case.plan.stages)
    assert [task.kind for task in case.open_tasks] == [TaskKind.CHOOSE_OFFER]
    assert "referral_confirmed" in decided.events
    assert after.proposed_offers == []
    assert after.timeline[-len(decided.events) :][0].kind == decided.events[0]


async def test_a_temporal_that_does_not_answer_in_time_is_a_503_saying_what_happens(
    web: WebUnderTest,
) -> None:
    participant_id = await enrolled(web, "Amina")

    class Stalled(ChainClient):
        """Every query waits longer than intake does."""

        def __init__(self) -> None:
            pass

        async def _stall(self, participant_id: str) -> Any:
            await asyncio.sleep(10)

        state = plan = tasks = timeline = _stall  # type: ignore[assignment]

    async def stalled() -> ChainClient:
        return Stalled()

    cases = CaseService(
        web.parts.sessions, web.parts.participants, stalled, ("Kamen",), call_seconds=0.05
    )
    with pytest.raises(CaseRefused) as refused:
        await cases.case(KAMEN, participant_id)

    problem = refused.value.problems[0]
    assert (refused.value.status_code, problem.field) == (503, "temporal")
    assert "Idempotency-Key" in problem.reason
    assert problem.message_de.startswith("Die Kette ist gerade nicht erreichbar")
