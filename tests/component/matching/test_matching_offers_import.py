"""Coordinators import offers as CSV: good rows stored, bad ones reported, a re-import a no-op."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.component


async def import_csv(api: httpx.AsyncClient, text: str) -> dict[str, object]:
    answer = await api.post(
        "/offers.csv", content=text.encode(), headers={"content-type": "text/csv"}
    )
    assert answer.status_code == 200, answer.text
    report: dict[str, object] = answer.json()
    return report


async def test_the_exported_catalogue_imported_again_changes_nothing(
    api: httpx.AsyncClient,
) -> None:
    exported = (await api.get("/offers.csv")).text

    report = await import_csv(api, exported)

    assert report == {"created": 0, "changed": 0, "unchanged": 23, "problems": []}


async def test_good_rows_are_stored_and_each_bad_one_is_named_with_line_column_and_reason(
    api: httpx.AsyncClient,
) -> None:
    text = "\n".join(
        [
            "offer_id;provider_id;module;stage;title;kommune;starts_on;ends_on;capacity",
            "vhs-unna.abend;vhs-unna;F4;language;Deutsch am Abend;Unna;2026-05-04;2026-09-30;14",
            "vhs-unna.minus;vhs-unna;F4;language;Kurs;Unna;2026-05-04;2026-09-30;-1",
            "vhs-unna.dortmund;vhs-unna;F4;language;Kurs;Dortmund;2026-05-04;2026-09-30;8",
            "vhs-unna.rueckwaerts;vhs-unna;F4;language;Kurs;Unna;2026-05-04;2026-04-01;8",
            "vhs-unna.f9;vhs-unna;F9;language;Kurs;Unna;2026-05-04;2026-09-30;8",
        ]
    )

    first = await import_csv(api, text)
    again = await import_csv(api, text)
    stored = (await api.get("/offers/vhs-unna.abend")).json()

    assert (first["created"], first["changed"], first["unchanged"]) == (1, 0, 0)
    assert [(p["line"], p["column"], p["reason"]) for p in first["problems"]] == [  # type: ignore[attr-defined, index]
        (3, "capacity", "negative"),
        (4, "kommune", "unknown_kommune"),
        (5, "ends_on", "before_start"),
        (6, "module", "unknown_module"),
    ]
    assert (again["created"], again["changed"], again["unchanged"]) == (0, 0, 1)
    assert stored["title"] == "Deutsch am Abend" and stored["capacity"] == 14


async def test_a_changed_row_updates_its_offer(api: httpx.AsyncClient) -> None:
    exported = (await api.get("/offers.csv")).text
    lines = exported.splitlines()
    header = lines[0].split(";")
    row = next(line for line in lines if line.startswith("vhs-unna.jik;")).split(";")
    row[header.index("capacity")] = "25"

    report = await import_csv(api, "\n".join([lines[0], ";".join(row)]))

    assert (report["created"], report["changed"], report["unchanged"]) == (0, 1, 0)
    assert (await api.get("/offers/vhs-unna.jik")).json()["capacity"] == 25
