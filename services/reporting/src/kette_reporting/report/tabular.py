"""CSV and XLSX of the state report: one line per cell, or one sheet per table."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from kette_reporting.report.document import HIDDEN, StateReport
from kette_reporting.report.position import format_offsets

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def to_csv(report: StateReport) -> bytes:
    """`Tabelle;Zeile;Spalte;Wert`, suppressed cells as `.`; semicolons for German Excel."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["Bericht", report.title])
    writer.writerow(["Zeitraum", report.period_code])
    writer.writerow(["Stand", report.stand])
    if report.offsets:
        writer.writerow(["Kafka-Stand", format_offsets(report.offsets)])
    writer.writerow(["Legende", report.legend])
    writer.writerow(["Tabelle", "Zeile", "Spalte", "Wert"])
    for table in report.tables:
        for row in table.rows:
            for col in table.cols:
                value = table.value(row, col)
                writer.writerow([table.title, row, col, HIDDEN if value is None else value])
    return out.getvalue().encode("utf-8")


def to_xlsx(report: StateReport) -> bytes:
    """A workbook with an overview sheet and one sheet per table; no clock inside."""
    book = Workbook()
    overview = book.active
    assert overview is not None
    overview.title = "Übersicht"
    for line in (report.title, report.stand, report.kafka_stand, report.legend):
        if line:
            overview.append([line])
    overview["A1"].font = Font(bold=True, size=14)
    for index, table in enumerate(report.tables, start=1):
        sheet = book.create_sheet(f"{index:02d} {table.key}"[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append([table.row_header, *table.cols])
        for row in table.rows:
            values = [table.value(row, col) for col in table.cols]
            sheet.append([row, *(HIDDEN if value is None else value for value in values)])
        sheet.column_dimensions["A"].width = 38
        overview.append([f"{index:02d}", table.title])
    fixed = datetime(2000, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.properties.creator = "Kette reporting"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()  # `Workbook.save` would stamp the time of now
    return _stable_zip(raw.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed member times, so the same report gives the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
