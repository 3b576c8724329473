"""Registering a person on the screen: German errors at their fields, eligibility explained
before saving, a double submit saves one person, an ineligible one is recorded as approached."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from kette_core.contracts.vocabulary import ActorRole
from tests.component.intake.intake_web_support import (
    KafkaDown,
    WebUnderTest,
    field_error,
    heading,
    registration_form,
    running_web,
)

NEW = "/teilnehmende/neu"


async def test_the_form_labels_every_field_with_a_stable_id(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])

    page = (await browser.get(NEW)).text

    assert heading(page) == "Person aufnehmen"
    for name in registration_form():
        if name in ("aktion", "idempotency_key", "intent"):
            continue
        field_id = "f-" + name.replace(".", "-").replace("_", "-")
        assert f'id="{field_id}"' in page, name
        assert f'<label for="{field_id}">' in page, name
        assert f'name="{name}"' in page, name
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', page)


async def test_eligibility_is_explained_before_anything_is_saved(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get(NEW)

    eligible = await browser.post(NEW, registration_form(aktion="pruefen"))
    too_young = await browser.post(
        NEW, registration_form(aktion="pruefen", **{"personal.birth_date": "2015-01-01"})
    )

    assert "Förderfähig: Altersgruppe 21 bis 23 Jahre, förderfähig bis 31.07.2031." in eligible.text
    assert "Das Programm nimmt Menschen von 18 bis 27 Jahren auf" in too_young.text
    assert "den Kontakt erfassen" in too_young.text
    assert await web.rows_count("participants") == 0


async def test_bad_input_is_refused_in_german_next_to_each_field_and_saves_nothing(
    web: WebUnderTest,
) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get(NEW)
    form = registration_form(**{"personal.address.postal_code": "5917", "personal.email": "x"})
    del form["personal.given_name"]

    answer = await browser.post(NEW, form)

    assert answer.status_code == 422
    assert field_error(answer.text, "f-personal-given-name") == "Angabe fehlt."
    assert field_error(answer.text, "f-personal-address-postal-code") == "Das Format stimmt nicht."
    assert field_error(answer.text, "f-personal-email") == "Das Format stimmt nicht."
    assert '<a href="#f-personal-given-name">Vorname: Angabe fehlt.</a>' in answer.text
    assert "<title>Fehler: Person aufnehmen – Kette</title>" in answer.text
    assert 'value="Haddad"' in answer.text  # what she typed stays
    assert await web.rows_count("participants") == 0
    assert await web.rows_count("outbox") == 0


async def test_an_ineligible_enrolment_names_the_reason_at_the_birth_date(
    web: WebUnderTest,
) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get(NEW)

    answer = await browser.post(NEW, registration_form(**{"personal.birth_date": "2015-01-01"}))

    assert answer.status_code == 422
    message = field_error(answer.text, "f-personal-birth-date") or ""
    assert message.startswith("Das Programm nimmt Menschen von 18 bis 27 Jahren auf")
    assert await web.rows_count("participants") == 0


async def test_an_ineligible_person_is_recorded_as_approached_with_channel_and_reason(
    web: WebUnderTest,
) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get(NEW)
    form = registration_form(
        intent="approach",
        **{
            "personal.birth_date": "2015-01-01",
            "approach.channel": "school",
            "approach.outcome": "not_eligible",
        },
    )

    answer = await browser.post(NEW, form)
    done = await browser.get(answer.headers["location"])
    approached = await web.sent_of("kette.participant.approached.v1")

    assert answer.status_code == 303
    assert heading(done.text) == "Kontakt erfasst"
    assert len(approached) == 1
    event = json.loads(approached[0].value)
    assert (event["channel"], event["outcome"]) == ("school", "not_eligible")
    assert b"Haddad" not in approached[0].value


async def test_an_approach_without_channel_names_the_missing_field(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get(NEW)

    answer = await browser.post(NEW, registration_form(intent="approach"))

    assert answer.status_code == 422
    assert field_error(answer.text, "f-approach-channel") == "Angabe fehlt."
    assert field_error(answer.text, "f-approach-outcome") == "Angabe fehlt."


async def test_a_double_submit_of_one_form_registers_one_person(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get(NEW)
    form = registration_form()

    first, second = await asyncio.gather(browser.post(NEW, form), browser.post(NEW, form))

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert await web.rows_count("participants") == 1
    assert len(await web.sent_of("kette.participant.registered.v1")) == 1


async def test_the_same_person_again_is_warned_as_a_duplicate_until_confirmed(
    web: WebUnderTest,
) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get(NEW)
    await browser.post(NEW, registration_form())
    await browser.get(NEW)

    warned = await browser.post(NEW, registration_form())
    confirmed = await browser.post(NEW, registration_form(confirmed_not_duplicate="ja"))

    assert warned.status_code == 409
    message = field_error(warned.text, "f-confirmed-not-duplicate") or ""
    assert message.startswith("Eine Person mit gleichem Namen und Geburtsdatum")
    assert confirmed.status_code == 303
    assert await web.rows_count("participants") == 2


async def test_a_kommune_outside_hers_is_refused_at_the_kommune_field(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
    await browser.get(NEW)

    answer = await browser.post(NEW, registration_form(kommune="Unna"))

    assert answer.status_code == 422
    assert field_error(answer.text, "f-kommune") == "Diese Kommune gehört nicht zu Ihren Kommunen."
    assert await web.rows_count("participants") == 0


async def test_an_auditor_cannot_open_the_registration_form(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.AUDITOR, [])

    answer = await browser.get(NEW)

    assert answer.status_code == 403
    assert heading(answer.text) == "Keine Berechtigung"


async def test_with_kafka_down_the_registration_is_kept_and_the_page_says_when_the_chain_starts(
    tmp_path: Path,
) -> None:
    async with running_web(f"sqlite+aiosqlite:///{tmp_path}/intake.db", sender=KafkaDown()) as web:
        browser = await web.signed_in(ActorRole.CASEWORKER, ["Kamen"])
        await browser.get(NEW)
        saved = await browser.post(NEW, registration_form())
        confirmation = await browser.get(saved.headers["location"])
        kept = await web.rows_count("participants")
        waiting = await web.rows_count("outbox")

    assert saved.status_code == 303
    assert heading(confirmation.text) == "Person aufgenommen"
    assert "die Kette startet, sobald beide wieder laufen" in confirmation.text
    assert (kept, waiting) == (1, 1)  # the event waits in the outbox for Kafka


async def test_a_coordinator_registers_in_any_kommune_of_the_ki(web: WebUnderTest) -> None:
    browser = await web.signed_in(ActorRole.COORDINATOR, [])
    page = await browser.get(NEW)

    answer = await browser.post(NEW, registration_form(kommune="Selm"))

    assert '<option value="Selm">Selm</option>' in page.text
    assert answer.status_code == 303
