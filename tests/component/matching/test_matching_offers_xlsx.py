"""Coordinators import offers as XLSX too: the CSV's columns and its row-by-row report."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

pytestmark = pytest.mark.component

HEADER = ["offer_id", "provider_id", "module", "stage", "title", "kommune"]
HEADER += ["starts_on", "ends_on", "capacity", "childcare"]


async def import_xlsx(api: httpx.AsyncClient, data: bytes) -> dict[str, Any]:
    answer = await api.post("/offers.xlsx", content=data)
    assert answer.status_code == 200, answer.text
    report: dict[str, Any] = answer.json()
    return report


def workbook(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_the_exported_workbook_imported_again_changes_nothing(
    api: httpx.AsyncClient,
) -> None:
    answer = await api.get("/offers.xlsx")

    report = await import_xlsx(api, answer.content)

    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert report == {"created": 0, "changed": 0, "unchanged": 23, "problems": []}
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["offer_id", "provider_id", "module"]


async def test_good_rows_are_stored_and_each_bad_one_is_named_with_line_column_and_reason(
    api: httpx.AsyncClient,
) -> None:
    start, end = date(2026, 5, 4), date(2026, 9, 30)
    data = workbook(
        HEADER,
        [
            "vhs-unna.abend",
            "vhs-unna",
            "F4",
            "language",
            "Deutsch am Abend",
            "Unna",
            start,
            end,
            14,
            "ja",
        ],
        ["vhs-unna.minus", "vhs-unna", "F4", "language", "Kurs", "Unna", start, end, -1, "nein"],
        [],
        [
            "vhs-unna.dortmund",
            "vhs-unna",
            "F4",
            "language",
            "Kurs",
            "Dortmund",
            start,
            end,
            8,
            None,
        ],
        [
            "vhs-unna.kita",
            "vhs-unna",
            "F4",
            "language",
            "Kurs",
            "Unna",
            start,
            end,
            8,
            "vielleicht",
        ],
        ["vhs-unna.datum", "vhs-unna", "F4", "language", "Kurs", "Unna", "bald", end, 8, None],
    )

    first = await import_xlsx(api, data)
    again = await import_xlsx(api, data)
    stored = (await api.get("/offers/vhs-unna.abend")).json()

    assert (first["created"], first["changed"], first["unchanged"]) == (1, 0, 0)
    assert [(p["line"], p["column"], p["reason"]) for p in first["problems"]] == [
        (3, "capacity", "negative"),
        (5, "kommune", "unknown_kommune"),
        (6, "childcare", "not_yes_no"),
        (7, "starts_on", "not_a_date"),
    ]
    assert (again["created"], again["changed"], again["unchanged"]) == (0, 0, 1)
    assert stored["childcare"] is True and stored["starts_on"] == "2026-05-04"


async def test_a_file_that_is_no_workbook_is_reported_not_stored(api: httpx.AsyncClient) -> None:
    report = await import_xlsx(api, b"offer_id;provider_id\n")

    assert report["created"] == 0
    assert [p["message_de"] for p in report["problems"]] == ["Keine XLSX-Datei."]


async def test_a_sheet_missing_a_required_column_names_it_on_line_one(
    api: httpx.AsyncClient,
) -> None:
    report = await import_xlsx(api, workbook(["offer_id", "title", "farbe"], ["x", "y", "z"]))

    assert report["created"] == 0
    problems = {(p["line"], p["column"], p["reason"]) for p in report["problems"]}
    assert (1, "farbe", "unknown_column") in problems
    assert (1, "module", "missing_column") in problems
