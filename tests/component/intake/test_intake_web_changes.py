"""Residence status and consent changed on the case page: recorded with their event, a
refusal in German at its field, nothing recorded then."""

from __future__ import annotations

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

    assert saved.status_code == 303
    assert unchanged.status_code == 422
    assert "Die Angaben ändern nichts." in unchanged.text
    assert bad.status_code == 422
    assert field_error(bad.text, "f-personal-data-address-street") == "Angabe fehlt."
    postal_code = field_error(bad.text, "f-personal-data-address-postal-code")
    assert postal_code == "Das Format stimmt nicht."
    assert all(b"0199" not in record.value for record in web.sent.sent)
