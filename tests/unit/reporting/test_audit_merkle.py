"""The audit's Merkle tree: RFC 6962's hashes, audit paths and consistency proofs."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from kette_reporting.audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    MerkleTree,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

CT_LEAVES = [
    bytes.fromhex(text)
    for text in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
"""Certificate Transparency's reference roots for the first 1..8 of these leaves."""


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH written straight from the RFC's recursive definition."""
    if not leaves:
        return sha(b"")
    if len(leaves) == 1:
        return sha(b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sha(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:]))


def test_audit_leaf_and_node_hashes_carry_the_rfc_prefixes() -> None:
    assert leaf_hash(b"abc") == sha(b"\x00abc")
    assert node_hash(b"L" * 32, b"R" * 32) == sha(b"\x01" + b"L" * 32 + b"R" * 32)
    assert MerkleTree([]).root() == EMPTY_ROOT == sha(b"")


def test_audit_a_tree_of_three_splits_two_and_one_by_hand() -> None:
    a, b, c = (sha(b"\x00" + leaf) for leaf in (b"a", b"b", b"c"))
    tree = MerkleTree([a, b, c])

    assert tree.root() == sha(b"\x01" + sha(b"\x01" + a + b) + c)
    assert tree.inclusion_proof(0) == [b, c]
    assert tree.inclusion_proof(2) == [sha(b"\x01" + a + b)]
    assert tree.consistency_proof(2) == [c]


def test_audit_roots_match_certificate_transparency_reference_vectors() -> None:
    hashes = [leaf_hash(leaf) for leaf in CT_LEAVES]
    for size, expected in enumerate(CT_ROOTS, start=1):
        assert MerkleTree(hashes[:size]).root().hex() == expected


def test_audit_proofs_match_the_rfc_example_tree_of_seven() -> None:
    a, b, c, d, e, f, j = (leaf_hash(bytes([n])) for n in range(7))
    g, h, i = node_hash(a, b), node_hash(c, d), node_hash(e, f)
    k, l_ = node_hash(g, h), node_hash(i, j)
    tree = MerkleTree([a, b, c, d, e, f, j])

    assert tree.root() == node_hash(k, l_)
    assert tree.inclusion_proof(0) == [b, h, l_]
    assert tree.inclusion_proof(3) == [c, g, l_]
    assert tree.inclusion_proof(4) == [f, j, k]
    assert tree.inclusion_proof(6) == [i, k]
    assert tree.consistency_proof(3) == [c, d, g, l_]
    assert tree.consistency_proof(4) == [l_]
    assert tree.consistency_proof(6) == [i, j, k]


leaf_lists = st.lists(st.binary(max_size=12), min_size=1, max_size=70, unique=True)


@settings(deadline=None)  # no per-example time limit: CI's two cores are shared
@given(leaf_lists)
def test_audit_every_leaf_proof_verifies_and_roots_agree_with_the_rfc(leaves: list[bytes]) -> None:
    hashes = [leaf_hash(leaf) for leaf in leaves]
    tree = MerkleTree(hashes)
    frontier = Frontier()
    for leaf in hashes:
        frontier.append(leaf)

    assert tree.root() == reference_root(leaves) == frontier.root()
    for index, leaf in enumerate(hashes):
        assert verify_inclusion(leaf, index, tree.size, tree.inclusion_proof(index), tree.root())


@settings(deadline=None)
@given(leaf_lists, st.data())
def test_audit_a_changed_leaf_proof_or_index_fails(
    leaves: list[bytes], data: st.DataObject
) -> None:
    hashes = [leaf_hash(leaf) for leaf in leaves]
    tree = MerkleTree(hashes)
    index = data.draw(st.integers(0, len(hashes) - 1))
    proof = tree.inclusion_proof(index)
    root = tree.root()

    assert not verify_inclusion(leaf_hash(leaves[index] + b"!"), index, tree.size, proof, root)
    if proof:
        spot = data.draw(st.integers(0, len(proof) - 1))
        bent = [*proof[:spot], sha(proof[spot]), *proof[spot + 1 :]]
        assert not verify_inclusion(hashes[index], index, tree.size, bent, root)
        assert not verify_inclusion(hashes[index], index, tree.size, proof[:-1], root)
    if len(hashes) > 1:
        other = (index + data.draw(st.integers(1, len(hashes) - 1))) % len(hashes)
        assert not verify_inclusion(hashes[index], other, tree.size, proof, root)


@settings(deadline=None)
@given(leaf_lists)
def test_audit_consistency_holds_for_every_prefix(leaves: list[bytes]) -> None:
    hashes = [leaf_hash(leaf) for leaf in leaves]
    tree = MerkleTree(hashes)
    for size in range(1, tree.size + 1):
        old = MerkleTree(hashes[:size]).root()
        proof = tree.consistency_proof(size)
        assert verify_consistency(size, tree.size, old, tree.root(), proof)


@settings(deadline=None)
@given(leaf_lists, st.data())
def test_audit_consistency_fails_when_the_prefix_changed(
    leaves: list[bytes], data: st.DataObject
) -> None:
    hashes = [leaf_hash(leaf) for leaf in leaves]
    tree = MerkleTree(hashes)
    size = data.draw(st.integers(1, tree.size))
    spot = data.draw(st.integers(0, size - 1))
    changed = [*hashes[:spot], leaf_hash(leaves[spot] + b"!"), *hashes[spot + 1 : size]]
    old = MerkleTree(changed).root()

    assert not verify_consistency(size, tree.size, old, tree.root(), tree.consistency_proof(size))


def test_audit_a_frontier_extends_a_prefix_to_the_full_root() -> None:
    hashes = [leaf_hash(bytes([n])) for n in range(11)]
    prefix = Frontier()
    for leaf in hashes[:6]:
        prefix.append(leaf)
    extended = Frontier(prefix.nodes, prefix.size)
    for leaf in hashes[6:]:
        extended.append(leaf)

    assert len(prefix.nodes) == 2  # 6 = 4 + 2
    assert extended.root() == MerkleTree(hashes).root()
