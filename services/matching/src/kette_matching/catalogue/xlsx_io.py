"""Offers as XLSX (openpyxl): the CSV's columns and cells, so both read alike, row by row."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from kette_matching.catalogue.csv_io import (
    COLUMNS,
    RowProblem,
    cell_text,
    header_problems,
    read_rows,
)
from kette_matching.catalogue.models import Offer
from kette_matching.catalogue.rules import OfferDraft

SHEET = "Angebote"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def offers_to_xlsx(offers: Iterable[Offer]) -> bytes:
    """One sheet: the header, then an offer per row; dates as dates, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None, "a new workbook has one sheet"
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for offer in offers:
        values = offer.model_dump(mode="python")
        sheet.append([_native(values[name]) for name in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_offers_xlsx(data: bytes) -> tuple[list[tuple[int, OfferDraft]], list[RowProblem]]:
    """The first sheet's rows as drafts by line (line 1 the header); never raises."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as error:
        reason = f"not an XLSX workbook ({type(error).__name__})"
        return [], [RowProblem(line=0, column="", reason=reason, message_de="Keine XLSX-Datei.")]
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [cell_text(cell).strip() for cell in next(rows, ())]
    problems = header_problems(name for name in header if name)
    if problems:
        return [], problems
    return read_rows(_by_name(header, rows))


def _by_name(
    header: list[str], rows: Iterator[tuple[Any, ...]]
) -> Iterator[tuple[int, Mapping[str, str | None]]]:
    """Each non-empty row as {column: text}, with its line in the sheet."""
    for line, row in enumerate(rows, start=2):
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        yield line, {name: _text(cell) for name, cell in zip(header, row, strict=False) if name}


def _text(cell: Any) -> str | None:
    """A cell as the CSV reader's text: dates ISO, whole numbers without `.0`."""
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell_text(cell)


def _native(value: Any) -> Any:
    """A field as a cell: dates and numbers stay typed, the rest as the CSV writes it."""
    if value is None or (isinstance(value, date | int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, tuple | list):
        return cell_text([getattr(item, "value", item) for item in value])
    return cell_text(getattr(value, "value", value))
