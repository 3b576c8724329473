"""The export file: JSON lines an auditor can read with any tool, and verify with ours.

Line 1 is the header: the signed tree head (`head`, `signature`, `key_id`), for a
participant's export also a signed statement of that person's positions, and optionally a
consistency proof against an earlier export. A period's export then has one `index` line
(position, topic, partition, offset and leaf hash of each of its records, packed and signed
through the head's `index_sha256`), then one line per record in tree order.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kette_reporting.audit.canonical import AuditRecord
from kette_reporting.audit.merkle import HASH_SIZE

FORMAT = "kette-audit/1"
_ENTRY = struct.Struct(">HIQ")
ENTRY_SIZE = _ENTRY.size + HASH_SIZE


class ExportFormatError(ValueError):
    """A file that is not a readable export; the message names the line and field."""


@dataclass(frozen=True)
class IndexEntry:
    """Where the record at a position lies, and its leaf hash."""

    topic: str
    partition: int
    offset: int
    leaf_hash: bytes

    def where(self) -> str:
        """topic/partition@offset."""
        return f"{self.topic}/{self.partition}@{self.offset}"


def pack_index(topics: list[str], records: Iterable[AuditRecord]) -> bytes:
    """The packed index of a period's records, topics by their place in `topics`."""
    rank = {topic: number for number, topic in enumerate(topics)}
    return b"".join(
        _ENTRY.pack(rank[record.topic], record.partition, record.offset) + record.leaf_hash()
        for record in records
    )


def unpack_index(topics: list[str], packed: bytes) -> list[IndexEntry]:
    """The entries of a packed index; a torn one raises ExportFormatError."""
    if len(packed) % ENTRY_SIZE:
        raise ExportFormatError("line 2: index: not a whole number of entries")
    entries = []
    for start in range(0, len(packed), ENTRY_SIZE):
        topic, partition, offset = _ENTRY.unpack_from(packed, start)
        if topic >= len(topics):
            raise ExportFormatError("line 2: index: names a topic the head does not list")
        leaf = packed[start + _ENTRY.size : start + ENTRY_SIZE]
        entries.append(IndexEntry(topics[topic], partition, offset, leaf))
    return entries


def index_digest(packed: bytes) -> str:
    """What the head signs for the index."""
    return hashlib.sha256(packed).hexdigest()


@dataclass(frozen=True)
class RecordLine:
    """One record line: its claimed position, the record, and (participant scope) its proof."""

    line: int
    position: int
    record: AuditRecord
    proof: list[bytes] | None


@dataclass
class Export:
    """A parsed export file."""

    header: dict[str, Any]
    index: bytes | None = None
    lines: list[RecordLine] = field(default_factory=list)

    @property
    def head(self) -> dict[str, Any]:
        """The signed tree head."""
        head: dict[str, Any] = self.header["head"]
        return head

    @property
    def scope(self) -> str:
        """'period' or 'participant'."""
        return str(self.header["scope"])


def write_export(
    path: Path, header: dict[str, Any], index: bytes | None, lines: Iterable[dict[str, Any]]
) -> None:
    """Write header, index (if any) and record lines."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(header, sort_keys=True) + "\n")
        if index is not None:
            handle.write(json.dumps({"index": base64.b64encode(index).decode()}) + "\n")
        for line in lines:
            handle.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")


def record_line(
    position: int, record: AuditRecord, proof: list[bytes] | None = None
) -> dict[str, Any]:
    """The JSON of one record line."""
    line: dict[str, Any] = {"position": position, "record": record.to_json()}
    if proof is not None:
        line["proof"] = [node.hex() for node in proof]
    return line


def read_export(path: Path, progress: Callable[[int], None] | None = None) -> Export:
    """Parse an export; anything malformed raises ExportFormatError naming line and field.

    `progress` is told the bytes of each line read (for a bar whose total is the file size).
    """
    try:
        with path.open(encoding="utf-8") as handle:
            lines: Iterable[str] = handle if progress is None else _counted(handle, progress)
            return _parse(enumerate(lines, start=1))
    except OSError as error:
        raise ExportFormatError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ExportFormatError(f"{path}: not UTF-8 text") from None


def _counted(lines: Iterable[str], progress: Callable[[int], None]) -> Iterator[str]:
    for line in lines:
        progress(len(line.encode()))
        yield line


def _parse(numbered: Iterator[tuple[int, str]]) -> Export:
    first = next(numbered, None)
    if first is None:
        raise ExportFormatError("line 1: empty file, expected the header")
    header = _json(*first)
    if header.get("format") != FORMAT or not isinstance(header.get("head"), dict):
        raise ExportFormatError(f"line 1: format: not a {FORMAT} export header")
    if header.get("scope") not in ("period", "participant"):
        raise ExportFormatError("line 1: scope: expected 'period' or 'participant'")
    export = Export(header)
    for number, text in numbered:
        data = _json(number, text)
        if "index" in data and export.index is None and not export.lines:
            try:
                export.index = base64.b64decode(data["index"], validate=True)
            except (TypeError, ValueError):
                raise ExportFormatError(f"line {number}: index: not base64") from None
            continue
        export.lines.append(_record_line(number, data))
    return export


def _json(number: int, text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExportFormatError(f"line {number}: not JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise ExportFormatError(f"line {number}: expected a JSON object")
    return data


def _record_line(number: int, data: dict[str, Any]) -> RecordLine:
    position = data.get("position")
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise ExportFormatError(f"line {number}: position: expected a whole number >= 0")
    record = data.get("record")
    if not isinstance(record, dict):
        raise ExportFormatError(f"line {number}: record: expected an object")
    try:
        parsed = AuditRecord.from_json(record)
        proof = None if "proof" not in data else [bytes.fromhex(node) for node in data["proof"]]
    except (TypeError, ValueError) as error:
        raise ExportFormatError(f"line {number}: {error}") from None
    return RecordLine(number, position, parsed, proof)
