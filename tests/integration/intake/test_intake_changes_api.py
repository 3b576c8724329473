"""Residence-status, consent, profile and personal changes through the API: each stored with
its event, scoped by Kommune, refused with field and reason, once per Idempotency-Key."""

from __future__ import annotations

import json

import pytest
from intake_support import TODAY, IntakeUnderTest, enrolled, fields_of, payload, registration

from kette_core.contracts.vocabulary import ActorRole

pytestmark = pytest.mark.integration

RESIDENCE = "kette.participant.residence_status_changed.v1"
CONSENT_GIVEN = "kette.participant.consent_given.v1"
CONSENT_WITHDRAWN = "kette.participant.consent_withdrawn.v1"
PROFILE = "kette.participant.profile_updated.v1"
SHARE = "share_with_providers"


def as_json(value: object) -> object:
    """A JSON column as read raw: text on SQLite, decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


async def test_registration_records_its_consent_with_scope_day_and_text_version(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker, consent_text_version="einwilligung-2025-11")
    without = await enrolled(
        intake, caseworker, consent_to_share=False, personal={"given_name": "Samir"}
    )

    url = f"/api/participants/{participant_id}/consents"
    consents = await intake.http.get(url, headers=caseworker)
    none = await intake.http.get(f"/api/participants/{without}/consents", headers=caseworker)

    assert consents.status_code == 200, consents.text
    [consent] = consents.json()
    assert (consent["scope"], consent["given_on"], consent["text_version"]) == (
        SHARE,
        TODAY.isoformat(),
        "einwilligung-2025-11",
    )
    assert consent["withdrawn_on"] is None
    assert none.json() == []


async def test_a_withdrawal_and_a_new_consent_are_recorded_and_published_in_order(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker)
    base = f"/api/participants/{participant_id}/consents"

    withdrawn = await intake.http.post(
        f"{base}/{SHARE}/withdrawal", json={"withdrawn_on": TODAY.isoformat()}, headers=caseworker
    )
    again = await intake.http.post(
        f"{base}/{SHARE}/withdrawal", json={"withdrawn_on": TODAY.isoformat()}, headers=caseworker
    )
    given = await intake.http.post(
        base,
        json={"given_on": TODAY.isoformat(), "text_version": "einwilligung-2026-02"},
        headers=caseworker,
    )
    twice = await intake.http.post(
        base,
        json={"given_on": TODAY.isoformat(), "text_version": "einwilligung-2026-02"},
        headers=caseworker,
    )

    assert withdrawn.status_code == 201, withdrawn.text
    assert withdrawn.json()["withdrawn_on"] == TODAY.isoformat()
    assert (again.status_code, fields_of(again)) == (409, ["scope"])
    assert given.status_code == 201, given.text
    assert (twice.status_code, fields_of(twice)) == (409, ["scope"])
    [withdrawal] = await intake.relayed(CONSENT_WITHDRAWN)
    [consent] = await intake.relayed(CONSENT_GIVEN)
    assert withdrawal.key == consent.key == participant_id
    assert payload(withdrawal)["scope"] == SHARE
    assert payload(consent)["text_version"] == "einwilligung-2026-02"
    assert intake.sent.sent.index(withdrawal) < intake.sent.sent.index(consent)


async def test_a_residence_change_updates_the_profile_and_publishes_the_previous_status(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker)
    change = {
        "new_status": "ausbildungsduldung",
        "permit_basis": "para_60c",
        "expires_on": "2029-07-31",
        "changed_on": TODAY.isoformat(),
    }
    url = f"/api/participants/{participant_id}/residence-status"

    answer = await intake.http.post(url, json=change, headers=caseworker)
    repeated = await intake.http.post(url, json=change, headers=caseworker)
    view = await intake.http.get(f"/api/participants/{participant_id}", headers=caseworker)

    assert answer.status_code == 201, answer.text
    assert answer.json()["kind"] == "residence_status"
    assert (repeated.status_code, fields_of(repeated)) == (409, ["new_status"])
    assert view.json()["profile"]["residence_status"] == "ausbildungsduldung"
    assert view.json()["profile"]["residence_status_expires_on"] == "2029-07-31"
    [record] = await intake.relayed(RESIDENCE)
    event = payload(record)
    assert (event["previous_status"], event["new_status"], event["permit_basis"]) == (
        "duldung",
        "ausbildungsduldung",
        "para_60c",
    )


async def test_bad_changes_name_the_field_and_change_nothing(intake: IntakeUnderTest) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker)
    base = f"/api/participants/{participant_id}"

    future = await intake.http.post(
        f"{base}/residence-status",
        json={"new_status": "aufenthaltserlaubnis", "changed_on": "2026-12-01"},
        headers=caseworker,
    )
    unknown = await intake.http.post(
        f"{base}/residence-status",
        json={"new_status": "tourist", "changed_on": TODAY.isoformat()},
        headers=caseworker,
    )
    no_version = await intake.http.post(
        f"{base}/consents", json={"given_on": TODAY.isoformat()}, headers=caseworker
    )
    seconds = await intake.http.post(
        f"{base}/residence-status",
        json={"new_status": "aufenthaltserlaubnis", "changed_on": 1_772_582_400},
        headers=caseworker,
    )
    registered_in_seconds = await intake.http.post(
        "/api/participants",
        json=registration(personal={"birth_date": 1_086_566_400}),
        headers=caseworker,
    )
    nothing = await intake.http.patch(
        f"{base}/profile", json={"language_level": "A2"}, headers=caseworker
    )
    no_name = await intake.http.patch(
        f"{base}/personal", json={"given_name": None}, headers=caseworker
    )
    birth = await intake.http.patch(
        f"{base}/personal", json={"birth_date": "2004-07-20"}, headers=caseworker
    )

    assert (future.status_code, fields_of(future)) == (422, ["changed_on"])
    assert (unknown.status_code, fields_of(unknown)) == (422, ["new_status"])
    assert (no_version.status_code, fields_of(no_version)) == (422, ["text_version"])
    assert (seconds.status_code, fields_of(seconds)) == (422, ["changed_on"])
    assert (registered_in_seconds.status_code, fields_of(registered_in_seconds)) == (
        422,
        ["personal.birth_date"],
    )
    assert (nothing.status_code, fields_of(nothing)) == (422, ["language_level"])
    assert (no_name.status_code, fields_of(no_name)) == (422, ["personal.given_name"])
    assert (birth.status_code, fields_of(birth)) == (422, ["birth_date"])
    assert await intake.rows("participant_changes") == []
    assert len(await intake.rows("consents")) == 1
    assert [r.headers["ce_type"] for r in intake.sent.sent].count(RESIDENCE) == 0


async def test_a_profile_update_publishes_only_the_changed_contract_facts(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker)
    url = f"/api/participants/{participant_id}/profile"

    answer = await intake.http.patch(
        url,
        json={"language_level": "B1", "school_certificate": "none", "gender": "female"},
        headers=caseworker,
    )
    gender_only = await intake.http.patch(url, json={"gender": "male"}, headers=caseworker)

    assert answer.status_code == 201, answer.text
    assert answer.json()["new_values"] == {"language_level": "B1"}
    assert gender_only.status_code == 201, gender_only.text
    [record] = await intake.relayed(PROFILE)
    event = payload(record)
    assert event["language_level"] == "B1"
    assert event["school_certificate"] is None and event["updated_by"]["actor_id"]
    changes = await intake.rows("participant_changes")
    assert sorted(row["kind"] for row in changes) == ["profile", "profile"]


async def test_a_personal_correction_is_sealed_and_only_field_names_are_kept(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker)
    [before] = await intake.rows("participants")

    answer = await intake.http.patch(
        f"/api/participants/{participant_id}/personal",
        json={"phone": "+49 2307 555 0199", "family_name": "Haddad-Nour"},
        headers=caseworker,
    )
    view = await intake.http.get(f"/api/participants/{participant_id}", headers=caseworker)
    [after] = await intake.rows("participants")
    [change] = await intake.rows("participant_changes")

    assert answer.status_code == 201, answer.text
    assert view.json()["personal"]["family_name"] == "Haddad-Nour"
    assert view.json()["personal"]["phone"] == "+49 2307 555 0199"
    assert after["wrapped_key"] != before["wrapped_key"]
    assert after["blind_index"] != before["blind_index"]
    assert b"Haddad-Nour" not in bytes(after["personal_data"])
    assert (change["kind"], as_json(change["fields"]), as_json(change["new_values"])) == (
        "personal",
        ["family_name", "phone"],
        {},
    )
    assert "0199" not in repr(await intake.rows("outbox"))


async def test_a_retry_with_the_same_idempotency_key_records_one_change(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker)
    url = f"/api/participants/{participant_id}/residence-status"
    change = {"new_status": "aufenthaltsgestattung", "changed_on": TODAY.isoformat()}
    key = {**caseworker, "Idempotency-Key": "residence-7f3a9c21"}

    first = await intake.http.post(url, json=change, headers=key)
    retry = await intake.http.post(url, json=change, headers=key)
    other = await intake.http.post(url, json={**change, "new_status": "duldung"}, headers=key)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert (other.status_code, fields_of(other)) == (422, ["Idempotency-Key"])
    assert len(await intake.rows("participant_changes")) == 1
    assert len(await intake.relayed(RESIDENCE)) == 1


async def test_changes_outside_the_kommunen_are_404_and_auditors_are_refused(
    intake: IntakeUnderTest,
) -> None:
    in_kamen = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    in_unna = await intake.login_as(ActorRole.CASEWORKER, ["Unna"])
    coordinator = await intake.login_as(ActorRole.COORDINATOR, [])
    auditor = await intake.login_as(ActorRole.AUDITOR, [])
    participant_id = await enrolled(intake, in_kamen)
    url = f"/api/participants/{participant_id}/profile"

    elsewhere = await intake.http.patch(url, json={"language_level": "B1"}, headers=in_unna)
    unknown = await intake.http.patch(
        "/api/participants/p-00000000-0000-0000-0000-000000000000/profile",
        json={"language_level": "B1"},
        headers=in_kamen,
    )
    audit = await intake.http.get(f"/api/participants/{participant_id}/consents", headers=auditor)
    anonymous = await intake.http.patch(url, json={"language_level": "B1"})
    by_coordinator = await intake.http.patch(
        url, json={"language_level": "B1"}, headers=coordinator
    )

    assert (elsewhere.status_code, fields_of(elsewhere)) == (404, ["participant_id"])
    assert elsewhere.json() == unknown.json()
    assert (audit.status_code, fields_of(audit)) == (403, ["authorization"])
    assert anonymous.status_code == 401
    assert by_coordinator.status_code == 201, by_coordinator.text


async def test_an_approached_person_has_no_chain_to_change(intake: IntakeUnderTest) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(
        intake,
        caseworker,
        intent="approach",
        approach={"channel": "outreach", "outcome": "pending"},
    )

    answer = await intake.http.patch(
        f"/api/participants/{participant_id}/profile",
        json={"language_level": "B1"},
        headers=caseworker,
    )

    assert (answer.status_code, fields_of(answer)) == (409, ["participant_id"])


async def test_a_retried_withdrawal_gets_its_first_answer_though_consent_is_now_withdrawn(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker)
    url = f"/api/participants/{participant_id}/consents/{SHARE}/withdrawal"
    body = {"withdrawn_on": TODAY.isoformat()}
    key = {**caseworker, "Idempotency-Key": "withdraw-5d0e8a13"}

    first = await intake.http.post(url, json=body, headers=key)
    retry = await intake.http.post(url, json=body, headers=key)
    without_key = await intake.http.post(url, json=body, headers=caseworker)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert (without_key.status_code, fields_of(without_key)) == (409, ["scope"])
    assert len(await intake.relayed(CONSENT_WITHDRAWN)) == 1
