"""Goal, profile facts, residence status and consent changed on the case page: recorded with
their event through ChangeService, a refusal in German at its field, nothing recorded then."""

from __future__ import annotations

import json

from tests.component.intake.intake_web_support import (
    WebUnderTest,
    enrolled_case,
    field_error,
)


async def test_a_new_residence_status_is_recorded_and_published(web: WebUnderTest) -> None:
    participant_id, browser = await enrolled_case(web)

    answer = await browser.post(
        f"/faelle/{participant_id}/aenderungen/residence_status",
        {
            "residence_status.new_status": "ausbildungsduldung",
            "residence_status.permit_basis": "para_60c",
            "residence_status.changed_on": "2026-03-01",
            "request_id": "aenderung-0001",
        },
    )
    page = await browser.get(answer.headers["location"])
    published = await web.sent_of("kette.participant.residence_status_changed.v1")

    assert answer.status_code == 303
    assert "Gespeichert: Aufenthaltsstatus ändern." in page.text
    assert len(published) == 1
    assert b"Haddad" not in published[0].value


async def test_a_residence_status_in_the_future_is_refused_at_its_date(web: WebUnderTest) -> None:
    participant_id, browser = await enrolled_case(web)

    answer = await browser.post(
        f"/faelle/{participant_id}/aenderungen/residence_status",
        {"residence_status.new_status": "duldung", "residence_status.changed_on": "2030-01-01"},
    )

    assert answer.status_code == 422
    message = field_error(answer.text, "f-residence-status-changed-on")
    assert message == "Das Datum liegt in der Zukunft."
    assert await web.rows_count("participant_changes") == 0


async def test_consent_withdrawn_twice_is_refused_the_second_time_in_german(
    web: WebUnderTest,
) -> None:
    participant_id, browser = await enrolled_case(web)
    url = f"/faelle/{participant_id}/aenderungen/consent_withdrawn"

    first = await browser.post(url, {"consent_withdrawn.withdrawn_on": "2026-03-04"})
    await browser.get(first.headers["location"])
    second = await browser.post(url, {"consent_withdrawn.withdrawn_on": "2026-03-04"})

    assert first.status_code == 303
    assert second.status_code == 422
    assert "Es liegt keine gültige Einwilligung vor." in second.text
    assert len(await web.sent_of("kette.participant.consent_withdrawn.v1")) == 1


async def test_a_corrected_phone_number_is_recorded_without_leaving_intake(
    web: WebUnderTest,
) -> None:
    participant_id, browser = await enrolled_case(web)
    url = f"/faelle/{participant_id}/aenderungen/personal_data"

    saved = await browser.post(url, {"personal_data.phone": "+49 2307 555 0199"})
    await browser.get(saved.headers["location"])
    unchanged = await browser.post(url, {"personal_data.phone": "+49 2307 555 0199"})
    bad = await browser.post(url, {"personal_data.address.postal_code": "59"})
    sent = await web.relayed()  # whatever these steps staged has gone out

    assert saved.status_code == 303
    assert unchanged.status_code == 422
    assert "Die Angaben ändern nichts." in unchanged.text
    assert bad.status_code == 422
    assert field_error(bad.text, "f-personal-data-address-street") == "Angabe fehlt."
    postal_code = field_error(bad.text, "f-personal-data-address-postal-code")
    assert postal_code == "Das Format stimmt nicht."
    assert sent and all(b"0199" not in record.value for record in sent)


async def test_a_new_goal_and_profile_facts_go_through_the_change_service_not_to_the_chain(
    web: WebUnderTest,
) -> None:
    participant_id, browser = await enrolled_case(web)
    base = f"/faelle/{participant_id}/aenderungen"

    goal = await browser.post(f"{base}/change_goal", {"change_goal.goal.target_stage": "job"})
    page = await browser.get(goal.headers["location"])
    facts = await browser.post(
        f"{base}/update_profile",
        {
            "update_profile.language_level": "B1",
            "update_profile.constraints.childcare_needed": "false",
            "update_profile.constraints.employment_ban": "false",
        },
    )
    published = await web.sent_of("kette.participant.profile_updated.v1", 2)

    assert (goal.status_code, facts.status_code) == (303, 303)
    assert "Gespeichert: Ziel ändern." in page.text
    assert await web.rows_count("participant_changes") == 2
    assert [json.loads(record.value).get("goal") for record in published] == [
        {"target_stage": "job", "occupation_field": None},
        None,
    ]
    assert json.loads(published[1].value)["language_level"] == "B1"
    assert web.chains.decided == []  # the bridge takes the event to the chain, not the screen


async def test_a_goal_already_agreed_is_refused_at_its_field_and_nothing_is_recorded(
    web: WebUnderTest,
) -> None:
    participant_id, browser = await enrolled_case(web)

    answer = await browser.post(
        f"/faelle/{participant_id}/aenderungen/change_goal",
        {"change_goal.goal.target_stage": "apprenticeship"},  # already her goal
    )

    assert answer.status_code == 422
    message = field_error(answer.text, "f-change-goal-goal-target-stage")
    assert message == "Dieses Ziel ist bereits vereinbart."
    assert await web.rows_count("participant_changes") == 0
    assert web.chains.decided == []
