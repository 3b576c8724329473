"""The person's rights on the case page: the printable Art. 15 page, and erasure that needs a
confirmation and leaves no page showing the person."""

from __future__ import annotations

from tests.component.intake.intake_web_support import (
    WebUnderTest,
    enrolled_case,
    field_error,
    heading,
)


async def test_the_printable_data_export_shows_everything_held_and_is_an_access_event(
    web: WebUnderTest,
) -> None:
    participant_id, browser = await enrolled_case(web)
    await web.relayed()  # the case page's own read, sent in the background, is counted before
    reads_before = len(web.sent.of_type("kette.access.pii_read.v1"))

    page = await browser.get(f"/faelle/{participant_id}/auskunft")

    assert page.status_code == 200
    assert "Haddad" in page.text and "+49 2307 555 0101" in page.text
    assert page.headers["cache-control"] == "no-store"
    reads = await web.sent_of("kette.access.pii_read.v1", reads_before + 1)
    assert len(reads) > reads_before


async def test_erasure_needs_a_confirmation(web: WebUnderTest) -> None:
    participant_id, browser = await enrolled_case(web)

    answer = await browser.post(
        f"/faelle/{participant_id}/loeschen", {"erasure.ground": "data_subject_request"}
    )

    assert answer.status_code == 422
    message = field_error(answer.text, "f-erasure-confirmed") or ""
    assert message.startswith("Bitte bestätigen Sie die Löschung")
    await web.relayed()
    assert web.sent.of_type("kette.participant.erased.v1") == []


async def test_an_erased_person_is_gone_from_every_page(web: WebUnderTest) -> None:
    participant_id, browser = await enrolled_case(web)

    answer = await browser.post(
        f"/faelle/{participant_id}/loeschen",
        {"erasure.ground": "data_subject_request", "erasure.confirmed": "ja"},
    )
    caseload = await browser.get(answer.headers["location"])
    case = await browser.get(f"/faelle/{participant_id}")
    export = await browser.get(f"/faelle/{participant_id}/auskunft")

    assert answer.status_code == 303
    assert "Die personenbezogenen Daten wurden gelöscht" in caseload.text
    assert "Haddad" not in caseload.text
    assert case.status_code == export.status_code == 404
    assert heading(case.text) == "Nicht gefunden"
    assert len(await web.sent_of("kette.participant.erased.v1")) == 1
