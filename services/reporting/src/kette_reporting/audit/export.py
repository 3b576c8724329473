"""Signed exports of a period, whole or for one participant, from a built period tree."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kette_reporting.audit.exportfile import (
    FORMAT,
    Export,
    index_digest,
    pack_index,
    record_line,
    write_export,
)
from kette_reporting.audit.history import PeriodTree
from kette_reporting.audit.merkle import verify_consistency
from kette_reporting.audit.signing import key_id, sign


@dataclass(frozen=True)
class Written:
    """What an export wrote: records, tree size, root, and whether an older export is a prefix."""

    records: int
    tree_size: int
    root: str
    consistent_with_older: bool | None = None


def tree_head(built: PeriodTree, topics: list[str], index: bytes) -> dict[str, Any]:
    """The statement the exporter signs: the period, the tree and the index of its records."""
    return {
        "format": FORMAT,
        "topics": topics,
        "period": built.period.as_json(),
        "tree_size": built.tree.size,
        "root": built.tree.root().hex(),
        "first_position": built.first_position,
        "frontier": [node.hex() for node in built.frontier.nodes],
        "records": len(built.records),
        "index_sha256": index_digest(index),
    }


def _signed_header(
    built: PeriodTree, topics: list[str], key: Ed25519PrivateKey, scope: str
) -> tuple[dict[str, Any], bytes]:
    index = pack_index(topics, built.records)
    head = tree_head(built, topics, index)
    header = {
        "format": FORMAT,
        "scope": scope,
        "head": head,
        "signature": sign(key, head),
        "key_id": key_id(key.public_key()),
    }
    return header, index


def write_period_export(
    path: Path,
    built: PeriodTree,
    topics: list[str],
    key: Ed25519PrivateKey,
    older: Export | None = None,
    progress: Callable[[int], None] = lambda _: None,
) -> Written:
    """Every record of the period; with `older`, a consistency proof from its tree to this one.

    `progress` is told of each record line written (a bar's total is `len(built.records)`).
    """
    header, index = _signed_header(built, topics, key, "period")
    consistent = None
    if older is not None:
        old_size, old_root = int(older.head["tree_size"]), str(older.head["root"])
        if 0 < old_size <= built.tree.size:
            proof = built.tree.consistency_proof(old_size)
            header["consistency"] = {
                "old_size": old_size,
                "old_root": old_root,
                "proof": [node.hex() for node in proof],
            }
            consistent = verify_consistency(
                old_size, built.tree.size, bytes.fromhex(old_root), built.tree.root(), proof
            )
        else:
            consistent = False
    start = built.first_position
    lines = (record_line(start + number, r) for number, r in enumerate(built.records))
    write_export(path, header, index, _counted(lines, progress))
    return Written(len(built.records), built.tree.size, built.tree.root().hex(), consistent)


def write_participant_export(
    path: Path, built: PeriodTree, topics: list[str], key: Ed25519PrivateKey, participant: str
) -> Written:
    """Only `participant`'s records of the period, each with its proof against the signed root."""
    header, _ = _signed_header(built, topics, key, "participant")
    start = built.first_position
    mine = [
        (start + number, record)
        for number, record in enumerate(built.records)
        if record.subject == participant
    ]
    statement = {
        "format": FORMAT,
        "participant": participant,
        "tree_size": built.tree.size,
        "root": built.tree.root().hex(),
        "entries": [[p, r.topic, r.partition, r.offset] for p, r in mine],
    }
    header["participant_statement"] = statement
    header["participant_signature"] = sign(key, statement)
    lines = (record_line(p, r, built.tree.inclusion_proof(p)) for p, r in mine)
    write_export(path, header, None, lines)
    return Written(len(mine), built.tree.size, built.tree.root().hex())


def _counted(lines: Iterable[dict[str, Any]], progress: Callable[[int], None]) -> Iterator[Any]:
    for line in lines:
        yield line
        progress(1)
