"""Registrations tell matching the age band and gender category that offers' limits need."""

from __future__ import annotations

import pytest
from matching_component_support import Harness, eventually, referral_request

from kette_core.contracts.base import EXAMPLE_PARTICIPANT, example_for
from kette_core.contracts.chain import ReferralRequested
from kette_core.contracts.matching import GapReason, NoOfferFound, OffersProposed
from kette_core.contracts.participants import ParticipantRegistered
from kette_core.contracts.vocabulary import Gender

pytestmark = pytest.mark.component

MENTORING = "awo-unna.modell-mentoring-frauen"  # F5, women only


def registered(gender: Gender) -> ParticipantRegistered:
    return example_for(ParticipantRegistered).model_copy(
        update={"participant_id": EXAMPLE_PARTICIPANT, "gender": gender}
    )


def mentoring_request() -> ReferralRequested:
    return referral_request(
        request_id="req-mentoring", stage="apprenticeship", module="F5", target_language_level=None
    )


@pytest.mark.parametrize("gender", [Gender.FEMALE, Gender.DIVERSE])
async def test_a_women_only_offer_is_proposed_unless_the_person_is_a_man(
    harness: Harness, gender: Gender
) -> None:
    await harness.request(registered(gender))
    await harness.request(mentoring_request())
    await eventually(lambda: len(harness.answers) == 1, "the answer")

    payload = harness.answers[0].payload
    assert isinstance(payload, OffersProposed)
    assert [p.offer_id for p in payload.proposals] == [MENTORING]


async def test_a_man_is_not_proposed_a_women_only_offer(harness: Harness) -> None:
    await harness.request(registered(Gender.MALE))
    await harness.request(mentoring_request())
    await eventually(lambda: len(harness.answers) == 1, "the answer")

    payload = harness.answers[0].payload
    assert isinstance(payload, NoOfferFound)
    assert payload.gap_reasons == (GapReason.NO_OFFER_FOR_MODULE,)
