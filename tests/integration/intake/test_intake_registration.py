"""Registering through the API on SQLite and PostgreSQL: rules, errors, idempotency, events."""

from __future__ import annotations

import asyncio

import pytest
from intake_support import TODAY, IntakeUnderTest, fields_of, payload, registration

from kette_core.contracts.vocabulary import ActorRole

pytestmark = pytest.mark.integration

REGISTERED = "kette.participant.registered.v1"
APPROACHED = "kette.participant.approached.v1"


async def test_an_eligible_person_is_enrolled_and_the_event_carries_only_pseudonymous_facts(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])

    answer = await intake.http.post("/api/participants", json=registration(), headers=caseworker)

    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "enrolled"
    [record] = await intake.relayed(REGISTERED)
    event = payload(record)
    assert record.topic == "kette.participants.v1"
    assert record.key == answer.json()["participant_id"] == event["participant_id"]
    assert event["age_band"] == "21-23"
    assert event["eligibility_ends_on"] == "2031-07-31"  # born 2004-07-19: month of the 27th
    assert event["registered_on"] == TODAY.isoformat()
    wire = record.value.decode() + str(record.headers)
    for personal in ("2004-07-19", "Amina", "Haddad", "2307 555", "Am Markt", "Syrian", "Kurdish"):
        assert personal not in wire


async def test_bad_input_is_refused_naming_each_field_and_nothing_is_saved(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    body = registration(
        personal={"birth_date": "2004-02-30", "family_name": "", "phone": "call me"},
        profile={"language_level": "B7"},
    )

    answer = await intake.http.post("/api/participants", json=body, headers=caseworker)

    assert answer.status_code == 422
    assert sorted(fields_of(answer)) == [
        "personal.birth_date",
        "personal.family_name",
        "personal.phone",
        "profile.language_level",
    ]
    assert "Amina" not in answer.text  # the input is not echoed back
    assert await intake.rows("participants") == []
    assert await intake.rows("outbox") == []


async def test_an_ineligible_enrolment_is_refused_with_every_reason(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    body = registration(
        personal={"birth_date": "1996-01-10"}, profile={"residence_status": "aufenthaltserlaubnis"}
    )

    answer = await intake.http.post("/api/participants", json=body, headers=caseworker)

    assert answer.status_code == 422
    reasons = {problem["field"]: problem["reason"] for problem in answer.json()["errors"]}
    assert set(reasons) == {"personal.birth_date", "profile.residence_status"}
    assert "is 30" in reasons["personal.birth_date"]
    assert (
        "aufenthaltserlaubnis is not eligible for durchstarten"
        in reasons["profile.residence_status"]
    )
    assert await intake.rows("participants") == []


async def test_eligibility_is_explained_before_anything_is_saved(intake: IntakeUnderTest) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    young = {"kommune": "Kamen", "birth_date": "2008-12-01", "residence_status": "duldung"}

    refused = await intake.http.post(
        "/api/participants/eligibility", json=young, headers=caseworker
    )
    excepted = await intake.http.post(
        "/api/participants/eligibility",
        json={**young, "age_exception_reason": "Schulabschluss vor dem 18. Geburtstag"},
        headers=caseworker,
    )

    assert refused.json()["eligible"] is False
    assert [finding["field"] for finding in refused.json()["findings"]] == ["personal.birth_date"]
    assert excepted.json() == {
        "eligible": True,
        "age_band": "under-18-exception",
        "eligibility_ends_on": "2035-12-31",
        "findings": [],
    }
    assert await intake.rows("participants") == []


async def test_an_ineligible_person_is_recorded_as_approached_and_counted(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    body = registration(
        intent="approach",
        personal={"birth_date": "1996-01-10"},
        approach={"channel": "auslaenderbehoerde", "outcome": "not_eligible"},
    )

    answer = await intake.http.post("/api/participants", json=body, headers=caseworker)

    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "approached"
    [record] = await intake.relayed(APPROACHED)
    event = payload(record)
    assert (event["outcome"], event["channel"], event["age_band"]) == (
        "not_eligible",
        "auslaenderbehoerde",
        None,
    )
    assert intake.sent.of_type(REGISTERED) == []


async def test_a_retried_submit_with_the_same_idempotency_key_creates_one_participant(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    headers = {**caseworker, "Idempotency-Key": "form-7f3a2c19"}

    first = await intake.http.post("/api/participants", json=registration(), headers=headers)
    again = await intake.http.post("/api/participants", json=registration(), headers=headers)
    other = await intake.http.post(
        "/api/participants",
        json=registration(personal={"given_name": "Samira"}),
        headers=headers,
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert other.status_code == 422
    assert fields_of(other) == ["Idempotency-Key"]
    assert len(await intake.rows("participants")) == 1
    assert len(await intake.rows("outbox")) == 1


async def test_a_double_click_sending_two_submits_at_once_creates_one_participant(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    headers = {**caseworker, "Idempotency-Key": "double-click-1"}

    answers = await asyncio.gather(
        *(intake.http.post("/api/participants", json=registration(), headers=headers) for _ in "ab")
    )

    assert sorted(answer.status_code for answer in answers) == [200, 201]
    assert answers[0].json() == answers[1].json()
    assert len(await intake.rows("participants")) == 1


async def test_the_same_name_and_birth_date_in_the_ki_warns_of_a_duplicate(
    intake: IntakeUnderTest,
) -> None:
    in_kamen = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    in_unna = await intake.login_as(ActorRole.CASEWORKER, ["Unna"])
    first = await intake.http.post("/api/participants", json=registration(), headers=in_kamen)
    spelled_otherwise = registration(
        kommune="Unna", personal={"given_name": " AMÍNA ", "family_name": "haddad"}
    )

    warned = await intake.http.post("/api/participants", json=spelled_otherwise, headers=in_unna)
    confirmed = await intake.http.post(
        "/api/participants",
        json={**spelled_otherwise, "confirmed_not_duplicate": True},
        headers=in_unna,
    )

    assert first.status_code == 201
    assert warned.status_code == 409
    assert fields_of(warned) == ["personal"]
    assert first.json()["participant_id"] not in warned.text  # not hers to see
    assert confirmed.status_code == 201
    assert len(await intake.rows("participants")) == 2


async def test_a_caseworker_registers_only_in_her_own_kommunen(intake: IntakeUnderTest) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])

    elsewhere = await intake.http.post(
        "/api/participants", json=registration(kommune="Unna"), headers=caseworker
    )
    outside_the_ki = await intake.http.post(
        "/api/participants", json=registration(kommune="Dortmund"), headers=caseworker
    )

    assert (elsewhere.status_code, outside_the_ki.status_code) == (422, 422)
    assert fields_of(elsewhere) == fields_of(outside_the_ki) == ["kommune"]
    assert await intake.rows("participants") == []
