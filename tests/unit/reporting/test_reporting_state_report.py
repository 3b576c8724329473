"""The state report: four formats, same history same bytes, nothing small leaves the KI."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from functools import cache

import pytest
from openpyxl import load_workbook

from bench._reporting_cohort import as_records, cohort_events
from kette_reporting.figures.facts import Facts, facts_from_rows
from kette_reporting.figures.period import Period
from kette_reporting.projection.projector import prepare
from kette_reporting.report.document import HIDDEN, StateReport
from kette_reporting.report.service import render, report_from_facts

pytestmark = pytest.mark.unit
FORMATS = ("csv", "xlsx", "html", "pdf")


@cache
def facts() -> Facts:
    return facts_from_rows(prepare(as_records(cohort_events(300, seed=11))).rows)


def report(**options: object) -> StateReport:
    return report_from_facts(facts(), Period.parse("2025"), **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_history_renders_to_the_same_bytes(fmt: str) -> None:
    first = render(report(), fmt)  # type: ignore[arg-type]
    again = render(report_from_facts(facts_from_rows(
        prepare(as_records(cohort_events(300, seed=11))).rows), Period.parse("2025")), fmt)  # type: ignore[arg-type]  # fmt: skip

    assert first == again
    assert len(first) > 1000


def test_the_csv_lists_every_cell_and_hides_small_ones_with_the_legends_sign() -> None:
    lines = list(csv.reader(io.StringIO(render(report(), "csv").decode()), delimiter=";"))
    cells = lines[5:]

    values = [value for *_, value in cells]
    counts = [int(value) for value in values if value != HIDDEN and "." not in value]
    assert counts and all(count == 0 or count >= 5 for count in counts)
    assert HIDDEN in values
    assert ["Verlauf der Integrationskette", "Aufgenommen", "Personen", "300"] in cells


def test_the_workbook_has_a_sheet_per_table_and_no_time_of_now() -> None:
    data = render(report(), "xlsx")
    book = load_workbook(io.BytesIO(data))

    assert len(book.sheetnames) == 1 + len(report().tables)
    assert book.properties.modified.year == 2000
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {
        (2000, 1, 1, 0, 0, 0)
    }


def test_the_printable_page_carries_three_inline_charts_and_the_pdf_is_a_pdf() -> None:
    page = render(report(), "html").decode()

    assert page.count("<svg") == 3
    assert "Angebotslücken nach Kommune" in page and "<script" not in page
    assert render(report(), "pdf").startswith(b"%PDF")


def test_the_report_names_its_data_as_of_date_not_the_day_it_was_made() -> None:
    stand = report(as_of=date(2025, 6, 30)).stand

    assert stand == "Datenstand: 30.06.2025"
    newest = max(event.time for event in cohort_events(300, seed=11))
    assert report().data_as_of == newest.date()


def test_a_higher_threshold_hides_more() -> None:
    def hidden(shown: StateReport) -> int:
        return sum(v is None for t in shown.tables for v in t.values.values())

    assert hidden(report(threshold=20)) > hidden(report(threshold=5))
