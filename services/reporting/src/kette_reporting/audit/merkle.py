"""Merkle trees as Certificate Transparency builds them (RFC 6962), so one root vouches for all.

Leaves are hashed as SHA-256(0x00 || leaf) and inner nodes as SHA-256(0x01 || left || right),
so a leaf can never pass for a node. A tree of n leaves splits at the largest power of two
below n. Pure functions over leaf hashes; no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The root of a tree of no leaves: the hash of the empty string (RFC 6962, 2.1)."""


class ProofError(ValueError):
    """A proof asked for, or checked, outside what the tree sizes allow."""


def leaf_hash(leaf: bytes) -> bytes:
    """MTH of one entry: SHA-256(0x00 || leaf)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An inner node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two strictly below `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


class MerkleTree:
    """A tree over leaf hashes with every level kept, so proofs cost O(log n) lookups."""

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        level = list(leaf_hashes)
        self.size = len(level)
        self._levels: list[list[bytes]] = [level]
        while len(level) > 1:  # an odd last node moves up unchanged, as the RFC split implies
            paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                paired.append(level[-1])
            self._levels.append(paired)
            level = paired

    def root(self) -> bytes:
        """MTH of all leaves."""
        return self._levels[-1][0] if self.size else EMPTY_ROOT

    def subtree_root(self, start: int, end: int) -> bytes:
        """MTH of leaves [start, end) for ranges the RFC's recursion visits."""
        size = end - start
        if size <= 0:
            return EMPTY_ROOT
        if size & (size - 1) == 0 and start % size == 0:  # a perfect, aligned subtree
            return self._levels[size.bit_length() - 1][start // size]
        k = split_point(size)
        return node_hash(self.subtree_root(start, start + k), self.subtree_root(start + k, end))

    def inclusion_proof(self, index: int) -> list[bytes]:
        """The audit path of leaf `index` (RFC 6962, 2.1.1), nearest sibling first."""
        if not 0 <= index < self.size:
            raise ProofError(f"leaf {index} is outside a tree of {self.size}")
        path: list[bytes] = []
        start, end = 0, self.size
        while end - start > 1:  # walk down, collecting the other half at each split
            k = split_point(end - start)
            if index < start + k:
                path.append(self.subtree_root(start + k, end))
                end = start + k
            else:
                path.append(self.subtree_root(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int) -> list[bytes]:
        """Proof that the first `old_size` leaves form a prefix of this tree (RFC 6962, 2.1.2)."""
        if not 0 < old_size <= self.size:
            raise ProofError(f"no consistency proof from {old_size} to {self.size}")
        return self._subproof(old_size, 0, self.size, complete=True)

    def _subproof(self, m: int, start: int, end: int, *, complete: bool) -> list[bytes]:
        """SUBPROOF(m, D[start:end], b) of the RFC."""
        if m == end - start:
            return [] if complete else [self.subtree_root(start, end)]
        k = split_point(end - start)
        if m <= k:
            proof = self._subproof(m, start, start + k, complete=complete)
            return [*proof, self.subtree_root(start + k, end)]
        proof = self._subproof(m - k, start + k, end, complete=False)
        return [*proof, self.subtree_root(start, start + k)]


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `leaf` (a leaf hash) sits at `index` of the tree of `size` leaves with `root`."""
    if not 0 <= index < size:
        return False
    position, last = index, size - 1
    computed = leaf
    for sibling in proof:
        if last == 0:
            return False  # a longer path than the tree is deep
        on_left, position, last = _climb(position, last)
        computed = node_hash(sibling, computed) if on_left else node_hash(computed, sibling)
    return last == 0 and computed == root


def _climb(position: int, last: int) -> tuple[bool, int, int]:
    """One step of RFC 9162's walk up: is the proof's node on the left; where next."""
    on_left = bool(position & 1) or position == last
    if on_left:
        while not position & 1 and position:  # skip levels where the node moved up alone
            position >>= 1
            last >>= 1
    return on_left, position >> 1, last >> 1


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether the tree (old_size, old_root) is a prefix of (new_size, new_root)."""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    nodes = list(proof)
    if old_size & (old_size - 1) == 0:  # the old tree is itself a node of the new one
        nodes.insert(0, old_root)
    if not nodes:
        return False
    position, last = old_size - 1, new_size - 1
    while position & 1:
        position >>= 1
        last >>= 1
    old_computed = new_computed = nodes[0]
    for node in nodes[1:]:
        if last == 0:
            return False
        on_left, position, last = _climb(position, last)
        if on_left:
            old_computed = node_hash(node, old_computed)
            new_computed = node_hash(node, new_computed)
        else:
            new_computed = node_hash(new_computed, node)
    return last == 0 and old_computed == old_root and new_computed == new_root


class Frontier:
    """The perfect subtrees of a prefix (at most log2 n hashes): enough to extend its root.

    An export carries the frontier of every record before its period, so a verifier rebuilds
    the root of the whole history up to the period's end without seeing those records.
    """

    def __init__(self, nodes: Sequence[bytes] = (), size: int = 0) -> None:
        if len(nodes) != size.bit_count():
            raise ProofError(f"a frontier of {size} leaves has {size.bit_count()} nodes")
        self.size = size
        self.nodes = list(nodes)  # largest subtree first

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash, merging equal-sized subtrees as a binary counter carries."""
        node, size = leaf, self.size
        while size & 1:
            node = node_hash(self.nodes.pop(), node)
            size >>= 1
        self.nodes.append(node)
        self.size += 1

    def copy(self) -> Frontier:
        """An independent frontier of the same prefix."""
        return Frontier(self.nodes, self.size)

    def root(self) -> bytes:
        """MTH of the prefix: the subtrees folded from the right."""
        if not self.nodes:
            return EMPTY_ROOT
        computed = self.nodes[-1]
        for node in reversed(self.nodes[:-1]):
            computed = node_hash(node, computed)
        return computed
