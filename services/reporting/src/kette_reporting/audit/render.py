"""Rich tables for the audit CLI: what people read on the terminal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.table import Table

from kette_reporting.audit.canonical import AuditRecord
from kette_reporting.audit.reading import read
from kette_reporting.audit.verify import Note

if TYPE_CHECKING:  # the comparison and timeline need database and Temporal clients
    from kette_reporting.audit.compare import Difference
    from kette_reporting.audit.kept import Kept
    from kette_reporting.audit.timeline import Entry


def entries_table(title: str, entries: Iterable[Entry], who: str = "Who") -> Table:
    """A timeline or access log, one row per entry."""
    table = Table(title=title)
    for column in ("Time (UTC)", "Source", "What", who, "Details"):
        table.add_column(column, overflow="fold")  # an auditor reads every id in full
    for entry in entries:
        when = entry.time.strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(when, entry.source, entry.what, entry.who, entry.detail)
    return table


def notes_table(notes: Iterable[Note]) -> Table:
    """Records that are no valid event of a known type, with their reasons."""
    table = Table(title="Kept and reported: dead letters, unknown or newer types, invalid records")
    for column in ("Position", "Record", "Kind", "Type", "Reason"):
        table.add_column(column)
    for note in notes:
        reading = note.reading
        table.add_row(
            str(note.position), note.where, reading.kind, reading.event_type or "", reading.reason
        )
    return table


def period_notes(records: list[AuditRecord], first: int) -> list[Note]:
    """The notes of a period's records as the exporter sees them."""
    notes = []
    for number, record in enumerate(records):
        reading = read(record)
        if reading.kind != "event":
            notes.append(Note(first + number, record.where(), reading))
    return notes


def differences_table(differences: Iterable[Difference]) -> Table:
    """Rows that differ between the live and the rebuilt projection."""
    table = Table(title="Live and rebuilt projection differ")
    for column in ("Table", "Key", "Where", "Columns"):
        table.add_column(column)
    for difference in differences:
        table.add_row(
            difference.table, difference.key, difference.side, ", ".join(difference.columns)
        )
    return table


def kept_table(kept: Iterable[Kept], total: int) -> Table:
    """Dead letters and unreadable records the projection kept, with their reasons."""
    shown = list(kept)
    title = "Kept and reported: dead letters and unreadable records"
    if total > len(shown):
        title += f" (first {len(shown)} of {total})"
    table = Table(title=title)
    for column in ("Record", "Kind", "Type", "Reason"):
        table.add_column(column, overflow="fold")
    for record in shown:
        table.add_row(record.where, record.kind, record.event_type, record.reason)
    return table
