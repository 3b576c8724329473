"""Offers as CSV: one column per `OfferDraft` field, so a sheet exported can be imported again."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from kette_matching.catalogue.models import Offer
from kette_matching.catalogue.rules import OfferDraft

COLUMNS: tuple[str, ...] = tuple(OfferDraft.model_fields)
REQUIRED: frozenset[str] = frozenset(
    name for name, field in OfferDraft.model_fields.items() if field.is_required()
)
LIST_SEPARATOR = "|"
TRUE, FALSE = frozenset({"ja", "true", "1", "x", "wahr"}), frozenset({"nein", "false", "0", ""})


class RowProblem(BaseModel):
    """Why one cell (or row) was not imported; line 1 is the header."""

    model_config = ConfigDict(frozen=True)

    line: int
    column: str
    reason: str
    message_de: str


def offers_to_csv(offers: Iterable[Offer]) -> str:
    """Semicolons, ISO dates, `ja`/`nein`, lists joined with `|`, as `read_offers_csv` reads."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for offer in offers:
        values = offer.model_dump(mode="json")
        writer.writerow([cell_text(values[name]) for name in COLUMNS])
    return out.getvalue()


def read_offers_csv(text: str) -> tuple[list[tuple[int, OfferDraft]], list[RowProblem]]:
    """Drafts by line, and the problems of every row that did not parse; never raises."""
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    problems = header_problems(reader.fieldnames or [])
    if problems:
        return [], problems
    return read_rows((reader.line_num, row) for row in reader)


def header_problems(header: Iterable[str]) -> list[RowProblem]:
    """Unknown columns and missing required ones, named on line 1."""
    names = list(header)
    return [
        RowProblem(
            line=1, column=name, reason="unknown_column", message_de=f"Unbekannte Spalte „{name}“."
        )
        for name in names
        if name not in COLUMNS
    ] + [
        RowProblem(
            line=1, column=name, reason="missing_column", message_de=f"Spalte „{name}“ fehlt."
        )
        for name in sorted(REQUIRED - set(names))
    ]


def read_rows(
    rows: Iterable[tuple[int, Mapping[str, str | None]]],
) -> tuple[list[tuple[int, OfferDraft]], list[RowProblem]]:
    """Cells as text by column name, per line: drafts, or each row's problems. CSV and XLSX."""
    drafts: list[tuple[int, OfferDraft]] = []
    problems: list[RowProblem] = []
    for line, row in rows:
        try:
            fields = {
                name: _value(name, cell)
                for name, cell in row.items()
                if name in COLUMNS and (name in REQUIRED or (cell or "").strip())
            }
            drafts.append((line, OfferDraft.model_validate(fields)))
        except _CellError as error:
            problems.append(RowProblem(line=line, **error.problem))
        except ValidationError as error:
            problems.extend(
                RowProblem(
                    line=line,
                    column=str(item["loc"][0]) if item["loc"] else "",
                    reason=item["type"],
                    message_de=f"Ungültiger Wert: {item['msg']}",
                )
                for item in error.errors()
            )
    return drafts, problems


class _CellError(Exception):
    """A cell that cannot become its field's type."""

    def __init__(self, column: str, reason: str, message_de: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.problem = {"column": column, "reason": reason, "message_de": message_de}


def _value(name: str, cell: str | None) -> Any:
    """The cell as the draft's field wants it (empty optional cells never get here)."""
    text = (cell or "").strip()
    annotation = str(OfferDraft.model_fields[name].annotation)
    if "bool" in annotation:
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise _CellError(name, "not_yes_no", f"„{text}“ ist weder ja noch nein.")
    if "list" in annotation:
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    if "date" in annotation:
        return _date(name, text)
    if "float" in annotation:
        return text.replace(",", ".")
    return text


def _date(name: str, text: str) -> date:
    """ISO (2026-04-13) or German (13.04.2026)."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _CellError(name, "not_a_date", f"„{text}“ ist kein Datum (TT.MM.JJJJ).")


def cell_text(value: Any) -> str:
    """One field as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)
