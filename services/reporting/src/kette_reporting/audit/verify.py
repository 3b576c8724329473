"""The offline verifier: an export file and a public key are all it needs.

It checks the signature, rebuilds the root, and names the first record that was changed,
removed, inserted or reordered, by position and topic/partition@offset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kette_reporting.audit.exportfile import (
    Export,
    ExportFormatError,
    IndexEntry,
    RecordLine,
    index_digest,
    unpack_index,
)
from kette_reporting.audit.merkle import Frontier, ProofError, verify_consistency, verify_inclusion
from kette_reporting.audit.reading import Reading, read
from kette_reporting.audit.signing import is_signed_by, key_id

Problem = Literal[
    "key",
    "signature",
    "format",
    "index",
    "root",
    "changed",
    "removed",
    "inserted",
    "reordered",
    "not_participant",
    "inconsistent",
    "unchecked",
]


@dataclass(frozen=True)
class Finding:
    """One thing wrong, with the position and record it concerns where it has them."""

    problem: Problem
    message: str
    position: int | None = None
    where: str | None = None


@dataclass(frozen=True)
class Note:
    """A record that is not a valid event of a known type: kept, reported with its reason."""

    position: int
    where: str
    reading: Reading


@dataclass
class Verification:
    """The verdict: ok only when no finding was made."""

    scope: str
    records: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether everything checked out."""
        return not self.findings


def verify_export(export: Export, public: Ed25519PublicKey) -> Verification:
    """Check one export, period or participant scope."""
    result = Verification(export.scope, records=len(export.lines))
    _check_signature(export.header, "head", "signature", public, result)
    try:
        if export.scope == "period":
            _verify_period(export, result)
        else:
            _verify_participant(export, public, result)
    except (KeyError, TypeError, ValueError, ProofError) as error:
        message = f"header: {error}" if not isinstance(error, ExportFormatError) else str(error)
        result.findings.append(Finding("format", message))
    result.notes.extend(_notes(export.lines))
    return result


def _check_signature(
    header: dict[str, Any], part: str, signature: str, public: Ed25519PublicKey, into: Verification
) -> None:
    expected = key_id(public)
    if header.get("key_id") != expected:
        into.findings.append(
            Finding(
                "key",
                f"signed by key {header.get('key_id')}, not by the given key {expected}: "
                "re-signed with another key, or the wrong public key",
            )
        )
    if not is_signed_by(public, header.get(part), str(header.get(signature, ""))):
        into.findings.append(
            Finding("signature", f"the {part} does not carry a valid signature of key {expected}")
        )


def _frontier(head: dict[str, Any]) -> Frontier:
    nodes = [bytes.fromhex(node) for node in head["frontier"]]
    return Frontier(nodes, int(head["first_position"]))


def _verify_period(export: Export, result: Verification) -> None:
    head = export.head
    if export.index is None:
        raise ExportFormatError("line 2: index: missing")
    first = int(head["first_position"])
    trusted = index_digest(export.index) == head["index_sha256"]
    entries = unpack_index(list(head["topics"]), export.index) if trusted else []
    if trusted:
        rebuilt = _frontier(head)
        for entry in entries:
            rebuilt.append(entry.leaf_hash)
        trusted = rebuilt.size == head["tree_size"] and rebuilt.root().hex() == head["root"]
    if trusted:
        finding = first_difference(entries, export.lines, first)
        if finding is not None:
            result.findings.append(finding)
        return
    result.findings.append(Finding("index", "the index line does not match the signed tree head"))
    rebuilt = _frontier(head)
    for line in export.lines:
        rebuilt.append(line.record.leaf_hash())
    if rebuilt.root().hex() != head["root"]:
        result.findings.append(Finding("root", "the records do not rebuild the signed root either"))


def first_difference(
    expected: list[IndexEntry], lines: list[RecordLine], first: int
) -> Finding | None:
    """The first record line that differs from the signed index, named by kind."""
    position_of = {entry.leaf_hash: first + number for number, entry in enumerate(expected)}
    present = {line.record.leaf_hash() for line in lines}
    want = 0
    for number, line in enumerate(lines):
        leaf = line.record.leaf_hash()
        found = position_of.get(leaf)
        if want >= len(expected):
            return _inserted(line, first + want)
        entry, position = expected[want], first + want
        if found == position:
            want += 1
            continue
        if found is None:
            following = lines[number + 1].record.leaf_hash() if number + 1 < len(lines) else None
            if following == entry.leaf_hash or (
                entry.leaf_hash in present and line.record.where() != entry.where()
            ):
                return _inserted(line, position)
            return Finding(
                "changed",
                f"position {position} ({entry.where()}): the record differs from the signed one",
                position,
                entry.where(),
            )
        if entry.leaf_hash not in present:
            return _removed(position, entry.where())
        return Finding(
            "reordered",
            f"position {position} ({entry.where()}): line {line.line} holds the record of "
            f"position {found} ({line.record.where()}) instead",
            position,
            entry.where(),
        )
    if want < len(expected):
        entry, position = expected[want], first + want
        return _removed(position, entry.where())
    return None


def _removed(position: int, where: str) -> Finding:
    message = f"position {position} ({where}): the record is missing"
    return Finding("removed", message, position, where)


def _inserted(line: RecordLine, position: int) -> Finding:
    where = line.record.where()
    return Finding(
        "inserted",
        f"position {position}: line {line.line} holds a record ({where}) that is not in the "
        "signed history",
        position,
        where,
    )


def _verify_participant(export: Export, public: Ed25519PublicKey, result: Verification) -> None:
    head, header = export.head, export.header
    statement = header["participant_statement"]
    if not is_signed_by(public, statement, str(header.get("participant_signature", ""))):
        result.findings.append(
            Finding("signature", "the participant statement does not carry a valid signature")
        )
    if statement["root"] != head["root"] or statement["tree_size"] != head["tree_size"]:
        result.findings.append(Finding("root", "the participant statement names another tree"))
    participant = str(statement["participant"])
    size, root = int(head["tree_size"]), bytes.fromhex(head["root"])
    expected = [(int(p), f"{t}/{part}@{off}") for p, t, part, off in statement["entries"]]
    finding = _participant_difference(expected, export.lines, participant, size, root)
    if finding is not None:
        result.findings.append(finding)


def _participant_difference(
    expected: list[tuple[int, str]],
    lines: list[RecordLine],
    participant: str,
    size: int,
    root: bytes,
) -> Finding | None:
    where_of = dict(expected)
    present = {line.position for line in lines}
    for number, line in enumerate(lines):
        if line.record.subject != participant:
            return Finding(
                "not_participant",
                f"line {line.line}: record {line.record.where()} is not about {participant}",
                line.position,
                line.record.where(),
            )
        if number >= len(expected) or line.position not in where_of:
            return _inserted(line, line.position)
        position, where = expected[number]
        if line.position != position:
            if position not in present:
                return _removed(position, where)
            return Finding(
                "reordered",
                f"position {position} ({where}): line {line.line} holds position {line.position}",
                position,
                where,
            )
        proof = line.proof or []
        if not verify_inclusion(line.record.leaf_hash(), position, size, proof, root):
            return Finding(
                "changed",
                f"position {position} ({where}): the record (or its proof) does not match the "
                "signed root",
                position,
                where,
            )
    if len(lines) < len(expected):
        position, where = expected[len(lines)]
        return _removed(position, where)
    return None


def verify_pair(older: Export, newer: Export, public: Ed25519PublicKey) -> Verification:
    """Whether `older`'s signed tree is a prefix of `newer`'s (their overlap agrees)."""
    if int(older.head["tree_size"]) > int(newer.head["tree_size"]):
        older, newer = newer, older
    result = Verification("consistency")
    _check_signature(older.header, "head", "signature", public, result)
    _check_signature(newer.header, "head", "signature", public, result)
    old_size, new_size = int(older.head["tree_size"]), int(newer.head["tree_size"])
    old_root, new_root = bytes.fromhex(older.head["root"]), bytes.fromhex(newer.head["root"])
    embedded = newer.header.get("consistency")
    if embedded and embedded["old_size"] == old_size and embedded["old_root"] == older.head["root"]:
        proof = [bytes.fromhex(node) for node in embedded["proof"]]
        consistent = verify_consistency(old_size, new_size, old_root, new_root, proof)
    elif newer.scope == "period" and newer.index is not None and _covers(newer, old_size):
        consistent = _prefix_root(newer, old_size) == old_root
    else:
        result.findings.append(
            Finding(
                "unchecked",
                "the newer export holds no consistency proof for the older one and starts after "
                "it ends: export it with --consistent-with OLDER",
            )
        )
        return result
    if not consistent:
        result.findings.append(_overlap_difference(older, newer))
    return result


def _covers(newer: Export, old_size: int) -> bool:
    first = int(newer.head["first_position"])
    return first <= old_size <= first + int(newer.head["records"])


def _prefix_root(newer: Export, old_size: int) -> bytes:
    """The root of newer's first `old_size` leaves, from its frontier and index."""
    assert newer.index is not None
    rebuilt = _frontier(newer.head)
    for entry in unpack_index(list(newer.head["topics"]), newer.index):
        if rebuilt.size == old_size:
            break
        rebuilt.append(entry.leaf_hash)
    return rebuilt.root()


def _overlap_difference(older: Export, newer: Export) -> Finding:
    """Name the first position both exports list where they differ."""
    old_entries = _positions(older)
    new_entries = _positions(newer)
    for position in sorted(old_entries.keys() & new_entries.keys()):
        old, new = old_entries[position], new_entries[position]
        if old.leaf_hash != new.leaf_hash:
            kind = "changed" if old.where() == new.where() else "inserted"
            return Finding(
                "inconsistent",
                f"position {position}: the older export has {old.where()}, the newer one "
                f"{new.where()} ({kind} since)",
                position,
                old.where(),
            )
    return Finding(
        "inconsistent",
        "the older tree is not a prefix of the newer one: a record before both exports' "
        "overlap was changed, removed or inserted",
    )


def _positions(export: Export) -> dict[int, IndexEntry]:
    if export.index is None:
        return {}
    first = int(export.head["first_position"])
    entries = unpack_index(list(export.head["topics"]), export.index)
    return {first + number: entry for number, entry in enumerate(entries)}


def _notes(lines: list[RecordLine]) -> list[Note]:
    notes = []
    for line in lines:
        reading = read(line.record)
        if reading.kind != "event":
            notes.append(Note(line.position, line.record.where(), reading))
    return notes
