"""The claim check's pure rules: which consent counts, whom the access event names, which
kinds of data it lists."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kette_core.contracts.access import PiiField
from kette_intake.contacts.service import consenting, fields_read, provider_actor
from kette_intake.participants.change_models import ConsentRow
from kette_intake.participants.schemas import PersonalData

TODAY = date(2026, 3, 4)


def _consent(
    given_on: date = date(2026, 1, 5),
    withdrawn_on: date | None = None,
    scope: str = "share_with_providers",
) -> ConsentRow:
    return ConsentRow(
        id="c-1",
        participant_id="p-1",
        scope=scope,
        given_on=given_on,
        text_version="2026-01",
        recorded_by="cw-000017",
        withdrawn_on=withdrawn_on,
        created_at=datetime(2026, 1, 5, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("consents", "expected"),
    [
        ([], False),
        ([_consent()], True),
        ([_consent(given_on=TODAY)], True),
        ([_consent(given_on=date(2026, 3, 5))], False),
        ([_consent(withdrawn_on=TODAY)], False),
        ([_consent(withdrawn_on=date(2026, 2, 1))], False),
        ([_consent(withdrawn_on=date(2026, 2, 1)), _consent(given_on=date(2026, 3, 1))], True),
        ([_consent(scope="something_else")], False),
    ],
    ids=[
        "none",
        "standing",
        "given-today",
        "dated-tomorrow",
        "withdrawn-today",
        "withdrawn-earlier",
        "given-again-after-a-withdrawal",
        "another-scope",
    ],
)
def test_only_a_standing_consent_to_share_with_providers_counts(
    consents: list[ConsentRow], expected: bool
) -> None:
    assert consenting(consents, TODAY) is expected


def test_the_reader_is_the_provider_under_a_valid_actor_id() -> None:
    actor = provider_actor("vhs-unna")

    assert (actor.role.value, actor.actor_id) == ("provider", "prov-vhs-unna")


def _personal(**fields: object) -> PersonalData:
    base: dict[str, object] = {
        "given_name": "Amina",
        "family_name": "Haddad",
        "birth_date": "2004-07-19",
        "nationality": "Syrian",
    }
    return PersonalData.model_validate({**base, **fields})


def test_the_access_event_lists_only_the_kinds_of_data_handed_out() -> None:
    bare = _personal()
    full = _personal(phone="+49 2307 555 0101", email="a@example.org", languages_spoken=["ar"])

    assert fields_read(bare) == (PiiField.NAME,)
    assert fields_read(full) == (
        PiiField.NAME,
        PiiField.PHONE,
        PiiField.EMAIL,
        PiiField.LANGUAGES_SPOKEN,
    )
