"""Art. 15 and Art. 17 through the API: the whole record as JSON and a printable German page,
each read an access event; erasure destroys the data key and leaves only pseudonymous facts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from intake_support import (
    TODAY,
    IntakeUnderTest,
    enrolled,
    fields_of,
    intake_settings,
    payload,
    recorded_ports,
    registration,
    running_intake,
)

from kette_core.contracts.vocabulary import ActorRole
from kette_core.ids import stable_event_id
from kette_intake.rights.chain_record import NO_CHAIN
from kette_workflows.api import ChainNotFound

pytestmark = pytest.mark.integration

PII_READ = "kette.access.pii_read.v1"
ERASED = "kette.participant.erased.v1"


async def test_the_export_holds_personal_data_profile_consents_and_changes_and_is_audited(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker)
    base = f"/api/participants/{participant_id}"
    changed = await intake.http.patch(
        f"{base}/profile", json={"language_level": "B1"}, headers=caseworker
    )

    answer = await intake.http.get(f"{base}/data-export", headers=caseworker)

    assert changed.status_code == 201, changed.text
    assert answer.status_code == 200, answer.text
    export = answer.json()
    assert export["participant_id"] == participant_id
    assert export["personal"]["family_name"] == "Haddad"
    assert export["personal"]["address"]["town"] == "Kamen"
    assert export["profile"]["language_level"] == "B1"
    assert export["record"]["kommune"] == "Kamen"
    assert [c["text_version"] for c in export["consents"]] == ["einwilligung-2026-01"]
    assert [c["new_values"] for c in export["changes"]] == [{"language_level": "B1"}]
    assert export["purposes"] and export["recipients"] and export["retention"]
    [record] = await intake.relayed(PII_READ)
    event = payload(record)
    assert (event["participant_id"], event["purpose"]) == (participant_id, "data_subject_request")
    assert "Haddad" not in record.value.decode()


class OneChain:
    """Stands in for Temporal: the chain of one participant, started and closed."""

    def __init__(self, participant_id: str) -> None:
        self.participant_id = participant_id

    async def state(self, participant_id: str) -> Any:
        if participant_id != self.participant_id:
            raise ChainNotFound(participant_id)
        return SimpleNamespace(status="closed")

    async def timeline(self, participant_id: str) -> list[Any]:
        return [
            SimpleNamespace(
                model_dump=lambda mode: {
                    "kind": "case_closed",
                    "sequence": 1,
                    "occurred_at": "2026-03-04T09:30:00+00:00",
                    "participant_id": participant_id,
                    "reason": "moved_away",
                }
            )
        ]


async def test_the_export_carries_the_chain_or_says_why_it_cannot(
    database_url: str,
) -> None:
    participant_id: dict[str, str] = {}

    async def chains() -> Any:
        return OneChain(participant_id["with_chain"])

    ports = replace(recorded_ports(), chains=chains)
    async with running_intake(intake_settings(database_url), ports) as intake:
        caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
        participant_id["with_chain"] = await enrolled(intake, caseworker)
        without = await enrolled(intake, caseworker, personal={"given_name": "Samir"})
        base = "/api/participants/{}/data-export"

        with_chain = await intake.http.get(
            base.format(participant_id["with_chain"]), headers=caseworker
        )
        page = await intake.http.get(
            base.format(participant_id["with_chain"]) + ".html", headers=caseworker
        )
        no_chain = await intake.http.get(base.format(without), headers=caseworker)

    chain = with_chain.json()["chain"]
    assert (chain["status"], chain["note"]) == ("closed", None)
    assert chain["timeline"] == [
        {
            "kind": "case_closed",
            "occurred_at": "2026-03-04T09:30:00+00:00",
            "details": {"reason": "moved_away"},
        }
    ]
    assert "04.03.2026, 09:30 Uhr (UTC)" in page.text and "reason: moved_away" in page.text
    assert no_chain.json()["chain"] == {"status": None, "timeline": [], "note": NO_CHAIN}


async def test_the_printable_page_is_german_escaped_and_audited_per_read(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker, personal={"given_name": "<b>Amina</b>"})

    page = await intake.http.get(
        f"/api/participants/{participant_id}/data-export.html", headers=caseworker
    )

    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert '<html lang="de">' in page.text
    assert "Auskunft über Ihre gespeicherten Daten (Art. 15 DSGVO)" in page.text
    assert "&lt;b&gt;Amina&lt;/b&gt;" in page.text and "<b>Amina" not in page.text
    assert "19.07.2004" in page.text and "einwilligung-2026-01" in page.text
    assert len(await intake.relayed(PII_READ)) == 1


async def test_an_erased_person_is_gone_from_every_endpoint_and_only_facts_remain(
    intake: IntakeUnderTest,
) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker)
    kept = await enrolled(intake, caseworker, personal={"given_name": "Samir"})
    base = f"/api/participants/{participant_id}"

    erased = await intake.http.post(
        f"{base}/erasure", json={"ground": "data_subject_request"}, headers=caseworker
    )
    after = [
        await intake.http.get(base, headers=caseworker),
        await intake.http.get(f"{base}/data-export", headers=caseworker),
        await intake.http.get(f"{base}/data-export.html", headers=caseworker),
        await intake.http.get(f"{base}/consents", headers=caseworker),
        await intake.http.patch(
            f"{base}/profile", json={"language_level": "B1"}, headers=caseworker
        ),
        await intake.http.post(f"{base}/erasure", json={}, headers=caseworker),
    ]
    again = await intake.http.post("/api/participants", json=registration(), headers=caseworker)

    assert erased.status_code == 201, erased.text
    assert erased.json()["erased_on"] == TODAY.isoformat()
    assert [(a.status_code, fields_of(a)) for a in after] == [(404, ["participant_id"])] * 6
    assert again.status_code == 201, again.text  # no duplicate warning: the blind index is gone
    rows = await intake.rows("participants")
    assert participant_id not in {row["id"] for row in rows} and kept in {row["id"] for row in rows}
    [tombstone] = await intake.rows("erasures")
    assert (tombstone["participant_id"], tombstone["kommune"], tombstone["status"]) == (
        participant_id,
        "Kamen",
        "enrolled",
    )
    assert participant_id not in {
        row["participant_id"] for row in await intake.rows("idempotency_keys")
    }
    assert len(await intake.rows("consents")) == 3  # pseudonymous facts and counts stay
    [record] = await intake.relayed(ERASED)
    assert record.key == participant_id
    assert record.headers["ce_id"] == stable_event_id(ERASED, participant_id)
    event = payload(record)
    assert (event["ground"], event["erased_by"]["role"]) == ("data_subject_request", "caseworker")


async def test_erasure_is_scoped_by_kommune_refused_to_auditors_and_kept_once_per_key(
    intake: IntakeUnderTest,
) -> None:
    in_kamen = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    in_unna = await intake.login_as(ActorRole.CASEWORKER, ["Unna"])
    auditor = await intake.login_as(ActorRole.AUDITOR, [])
    participant_id = await enrolled(intake, in_kamen)
    url = f"/api/participants/{participant_id}/erasure"
    keyed = {**in_kamen, "Idempotency-Key": "erase-2b7c91d4"}

    elsewhere = await intake.http.post(url, json={}, headers=in_unna)
    audit = await intake.http.post(url, json={}, headers=auditor)
    export_elsewhere = await intake.http.get(
        f"/api/participants/{participant_id}/data-export", headers=in_unna
    )
    bad_ground = await intake.http.post(url, json={"ground": "bored"}, headers=in_kamen)
    first = await intake.http.post(url, json={}, headers=keyed)
    retry = await intake.http.post(url, json={}, headers=keyed)
    other_body = await intake.http.post(url, json={"ground": "retention_ended"}, headers=keyed)

    assert (elsewhere.status_code, fields_of(elsewhere)) == (404, ["participant_id"])
    assert (export_elsewhere.status_code, fields_of(export_elsewhere)) == (404, ["participant_id"])
    assert (audit.status_code, fields_of(audit)) == (403, ["authorization"])
    assert (bad_ground.status_code, fields_of(bad_ground)) == (422, ["ground"])
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert (other_body.status_code, fields_of(other_body)) == (422, ["Idempotency-Key"])
    assert len(await intake.relayed(ERASED)) == 1


async def test_an_approached_person_can_be_erased_too(intake: IntakeUnderTest) -> None:
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(
        intake, caseworker, intent="approach", approach={"channel": "school", "outcome": "declined"}
    )

    erased = await intake.http.post(
        f"/api/participants/{participant_id}/erasure", json={}, headers=caseworker
    )

    assert erased.status_code == 201, erased.text
    [tombstone] = await intake.rows("erasures")
    assert tombstone["status"] == "approached"


async def test_on_sqlite_the_destroyed_key_is_not_left_in_the_database_files(
    intake: IntakeUnderTest, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL keeps dead tuples until VACUUM: see docs/architecture.md")
    caseworker = await intake.login_as(ActorRole.CASEWORKER, ["Kamen"])
    participant_id = await enrolled(intake, caseworker)
    [row] = await intake.rows("participants")
    wrapped_key, ciphertext = bytes(row["wrapped_key"]), bytes(row["personal_data"])
    files = list(Path(database_url.split("///", 1)[1]).parent.glob("test.db*"))
    assert any(wrapped_key in path.read_bytes() for path in files)  # the scan can see it

    erased = await intake.http.post(
        f"/api/participants/{participant_id}/erasure", json={}, headers=caseworker
    )

    assert erased.status_code == 201, erased.text
    for path in Path(database_url.split("///", 1)[1]).parent.glob("test.db*"):
        content = path.read_bytes()
        assert wrapped_key not in content, f"the wrapped key survives in {path.name}"
        assert ciphertext not in content, f"the ciphertext survives in {path.name}"
