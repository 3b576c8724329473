"""A provider's report counts only from the provider holding the referral and in the
referral's order, through real Kafka and Temporal; what is refused is published."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from chain_stack_support import ChainStack, member

from kette_core.contracts import chain as contract
from kette_core.contracts import matching, referrals
from kette_core.contracts.base import EventPayload, example_for
from kette_core.envelope import new_event
from kette_workflows.api import ConfirmOffer

pytestmark = pytest.mark.integration

HOLDER = "vhs-unna"
IMPOSTOR = "awo-kamen"


def chain_payloads(chain_stack: ChainStack, participant_id: str) -> list[EventPayload]:
    return [
        record.event.payload
        for record in chain_stack.chain.events_of(participant_id)
        if record.event is not None
    ]


def first_of(chain_stack: ChainStack, participant_id: str, kind: type[EventPayload]) -> bool:
    return any(isinstance(p, kind) for p in chain_payloads(chain_stack, participant_id))


async def referred_person(chain_stack: ChainStack) -> tuple[str, str]:
    """Registered, matched and referred to HOLDER's offer; (participant id, referral id)."""
    person = member("a1_learner")
    pid = person.participant_id
    await chain_stack.register(person.registration)
    await chain_stack.wait_for(
        lambda: first_of(chain_stack, pid, contract.ReferralRequested), "a referral request"
    )
    requested = next(
        p for p in chain_payloads(chain_stack, pid) if isinstance(p, contract.ReferralRequested)
    )
    proposal = example_for(matching.OffersProposed).proposals[0]
    offers = matching.OffersProposed(
        participant_id=pid,
        request_id=requested.request_id,
        stage=requested.stage,
        module=requested.module,
        proposals=(proposal.model_copy(update={"offer_id": "jik-1", "provider_id": HOLDER}),),
    )
    event = new_event(offers, source="/kette/matching")
    await chain_stack.publisher.publish(event, chain_stack.settings.matching_topic)
    await chain_stack.wait_for(
        lambda: first_of(chain_stack, pid, contract.OffersReceived), "the offers to arrive"
    )
    caseworker = "cw-4b1d2c"
    await chain_stack.chains.decide(
        pid, ConfirmOffer(stage=requested.stage, offer_id="jik-1", caseworker_id=caseworker)
    )
    await chain_stack.wait_for(
        lambda: first_of(chain_stack, pid, contract.ReferralConfirmed), "the referral"
    )
    confirmed = next(
        p for p in chain_payloads(chain_stack, pid) if isinstance(p, contract.ReferralConfirmed)
    )
    return pid, confirmed.referral_id


async def report(chain_stack: ChainStack, payload: referrals.ProviderReport) -> None:
    """As the provider gateway would, on the validated provider-status topic."""
    event = new_event(payload, source=f"/kette/provider-gateway/{payload.provider_id}")
    await chain_stack.publisher.publish(event, chain_stack.settings.provider_status_topic)


def ignored(chain_stack: ChainStack, pid: str) -> list[contract.InputIgnored]:
    return [p for p in chain_payloads(chain_stack, pid) if isinstance(p, contract.InputIgnored)]


async def test_a_report_on_another_providers_referral_is_refused_and_published(
    chain_stack: ChainStack,
) -> None:
    pid, referral_id = await referred_person(chain_stack)
    today = datetime.now(UTC).date()

    await report(
        chain_stack,
        referrals.ParticipantEnrolled(
            referral_id=referral_id, participant_id=pid, provider_id=IMPOSTOR, occurred_on=today
        ),
    )
    await chain_stack.wait_for(lambda: bool(ignored(chain_stack, pid)), "the refusal")

    [refusal] = ignored(chain_stack, pid)
    assert refusal.reason == contract.IgnoredReason.WRONG_PROVIDER
    assert refusal.reference == referral_id
    assert not first_of(chain_stack, pid, contract.OutcomeRecorded)


async def test_completed_before_enrolled_is_refused_with_a_task_then_the_right_order_counts(
    chain_stack: ChainStack,
) -> None:
    pid, referral_id = await referred_person(chain_stack)
    today = datetime.now(UTC).date()
    ids = {"referral_id": referral_id, "participant_id": pid, "provider_id": HOLDER}

    await report(chain_stack, referrals.ReferralCompleted(**ids, occurred_on=today))
    await chain_stack.wait_for(lambda: bool(ignored(chain_stack, pid)), "the refusal")
    await report(chain_stack, referrals.ParticipantEnrolled(**ids, occurred_on=today))
    await chain_stack.wait_for(
        lambda: first_of(chain_stack, pid, contract.OutcomeRecorded), "the enrolment"
    )

    [refusal] = ignored(chain_stack, pid)
    assert refusal.reason == contract.IgnoredReason.NOT_APPLICABLE
    tasks = [p for p in chain_payloads(chain_stack, pid) if isinstance(p, contract.TaskOpened)]
    assert any(task.kind == contract.TaskKind.REPORT_REFUSED for task in tasks)
    outcomes = [
        p for p in chain_payloads(chain_stack, pid) if isinstance(p, contract.OutcomeRecorded)
    ]
    assert [o.outcome for o in outcomes] == [contract.Outcome.ENROLLED]
