"""RFC 9162 §2.1 Merkle tree: roots and proofs against a brute-force reference.

The reference below is written straight from the RFC's recursive definitions (MTH, PATH,
PROOF/SUBPROOF) and computes everything from the leaves; the implementation under test
reads only stored perfect-subtree hashes. Memoising the reference on ``(start, end)``
keeps it exact while making "every proof for every size up to 300" affordable.
"""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.ledger import merkle
from jianguan.ledger.merkle import (
    append_nodes,
    append_nodes_needed,
    inclusion_proof,
    inclusion_proof_nodes,
    range_hash,
    root_hash,
    root_hash_nodes,
    verify_inclusion,
)
from jianguan.ledger.merkle_consistency import (
    consistency_proof,
    consistency_proof_nodes,
    consistency_proof_ranges,
    verify_consistency,
)
from jianguan.ledger.merkle_memory import InMemoryTree
from jianguan.ledger.tests.merkle_reference import ALGS, MAX_SIZE, Reference
from jianguan.ledger.tests.merkle_reference import flip as _flip
from jianguan.ledger.tests.merkle_reference import h as _h
from jianguan.ledger.tests.merkle_reference import leaves as _leaves


@pytest.fixture(scope="module", params=ALGS)
def built(request: pytest.FixtureRequest) -> tuple[InMemoryTree, Reference]:
    leaves = _leaves(MAX_SIZE)
    tree = InMemoryTree(request.param)
    tree.extend(leaves)
    return tree, Reference(leaves, request.param)


# --------------------------------------------------------------------------- CT vectors

CT_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
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


def test_certificate_transparency_reference_roots() -> None:
    leaves = [bytes.fromhex(x) for x in CT_LEAVES]
    ref = Reference(leaves, "sha256")
    tree = InMemoryTree("sha256")
    assert tree.root().hex() == hashlib.sha256(b"").hexdigest()
    for size, (leaf, expected) in enumerate(zip(leaves, CT_ROOTS, strict=True), start=1):
        tree.append(leaf)
        assert ref.mth(0, size).hex() == expected  # the reference agrees with the RFC
        assert tree.root().hex() == expected
        assert tree.root(size).hex() == expected


def test_sm3_known_answer() -> None:
    # GB/T 32905 test vector, so "sm3" really is SM3 and not some other 256-bit hash.
    assert (
        merkle.hash_function("sm3")(b"abc").hex()
        == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert merkle.leaf_hash(b"x", "sm3") == _h("sm3", b"\x00x")
    assert merkle.node_hash(b"a", b"b", "sm3") == _h("sm3", b"\x01ab")


# --------------------------------------------------------------------------- exhaustive


def test_roots_all_sizes(built: tuple[InMemoryTree, Reference]) -> None:
    tree, ref = built
    for size in range(MAX_SIZE + 1):
        assert tree.root(size) == ref.mth(0, size), size


def test_every_inclusion_proof_up_to_300(built: tuple[InMemoryTree, Reference]) -> None:
    tree, ref = built
    alg = tree.hash_alg
    for size in range(1, MAX_SIZE + 1):
        root = ref.mth(0, size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert proof == ref.path(index, 0, size), (index, size)
            assert verify_inclusion(alg, tree.leaf_hash(index), index, size, proof, root)


def test_every_consistency_proof_up_to_300(built: tuple[InMemoryTree, Reference]) -> None:
    """All 45,150 pairs 1 <= first <= second <= 300 (fast enough not to need sampling)."""
    tree, ref = built
    alg = tree.hash_alg
    pairs = [(m, n) for n in range(1, MAX_SIZE + 1) for m in range(1, n + 1)]
    for first, second in pairs:
        proof = tree.consistency_proof(first, second)
        assert proof == ref.proof(first, second), (first, second)
        assert verify_consistency(
            alg, first, second, ref.mth(0, first), ref.mth(0, second), proof
        ), (first, second)


# --------------------------------------------------------------------------- storage model


class CountingStore:
    """A virtual store of any size: fake node hashes, counting every read."""

    def __init__(self) -> None:
        self.reads: list[tuple[int, int]] = []

    def __call__(self, level: int, index: int) -> bytes:
        self.reads.append((level, index))
        return hashlib.sha256(f"{level}/{index}".encode()).digest()


@pytest.mark.parametrize(
    "size", [1, 2, 3, 5, 1000, 2**20, 2**20 + 1, 10**6, 2**40 - 1, 2**40 + 12345, 10**12 + 7]
)
def test_reads_are_logarithmic(size: int) -> None:
    log = size.bit_length()
    rng = random.Random(size)
    for _ in range(25):
        index = rng.randrange(size)
        store = CountingStore()
        inclusion_proof(index, size, store, "sha256")
        assert len(store.reads) <= 2 * log
        assert set(store.reads) == set(inclusion_proof_nodes(index, size))
        first = rng.randint(1, size)
        store = CountingStore()
        consistency_proof(first, size, store, "sha256")
        assert len(store.reads) <= 2 * log + 1
        assert set(store.reads) == set(consistency_proof_nodes(first, size))
    store = CountingStore()
    root_hash(size, store, "sha256")
    assert len(store.reads) == bin(size).count("1") == len(root_hash_nodes(size))
    store = CountingStore()
    created = append_nodes(size, b"\x00" * 32, store, "sha256")
    assert store.reads == append_nodes_needed(size)
    assert len(created) == len(store.reads) + 1 <= log + 1


def test_two_phase_api_matches_callable() -> None:
    tree = InMemoryTree("sm3")
    tree.extend(_leaves(77))
    for index, size, first in [(0, 77, 1), (40, 77, 33), (76, 77, 64), (12, 13, 5)]:
        need = inclusion_proof_nodes(index, size)
        fetched = {n: tree.nodes[n] for n in need}
        assert inclusion_proof(index, size, fetched, "sm3") == tree.inclusion_proof(index, size)
        need = consistency_proof_nodes(first, size)
        fetched = {n: tree.nodes[n] for n in need}
        assert consistency_proof(first, size, fetched, "sm3") == tree.consistency_proof(first, size)
        fetched = {n: tree.nodes[n] for n in root_hash_nodes(size)}
        assert root_hash(size, fetched, "sm3") == tree.root(size)
    getter = lambda level, index: tree.nodes[(level, index)]  # noqa: E731
    assert root_hash(77, getter, "sm3") == tree.root()
    assert range_hash(64, 77, getter, "sm3") == Reference(_leaves(77), "sm3").mth(64, 77)
    assert consistency_proof_ranges(3, 8) == [(2, 3), (3, 4), (0, 2), (4, 8)]


def test_append_nodes_match_a_fresh_tree() -> None:
    """Nodes written by append are exactly MTH of their aligned leaf ranges."""
    leaves = _leaves(70)
    ref = Reference(leaves, "sm3")
    store: dict[tuple[int, int], bytes] = {}
    for i, leaf in enumerate(leaves):
        need = append_nodes_needed(i)
        new = append_nodes(i, merkle.leaf_hash(leaf), {n: store[n] for n in need})
        for level, index, value in new:
            assert (level, index) not in store
            assert value == ref.mth(index << level, (index + 1) << level)
            store[(level, index)] = value
    assert len(store) == 2 * 70 - bin(70).count("1")


# --------------------------------------------------------------------------- hypothesis


@settings(max_examples=200, deadline=None)
@given(
    leaves=st.lists(st.binary(max_size=12), min_size=1, max_size=70),
    alg=st.sampled_from(ALGS),
    data=st.data(),
)
def test_property_proofs_match_rfc_and_bind_everything(
    leaves: list[bytes], alg: str, data: st.DataObject
) -> None:
    tree = InMemoryTree(alg)
    tree.extend(leaves)
    ref = Reference(leaves, alg)
    n = len(leaves)
    size = data.draw(st.integers(1, n), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    first = data.draw(st.integers(1, size), label="first")

    root = tree.root(size)
    assert root == ref.mth(0, size)
    path = tree.inclusion_proof(index, size)
    assert path == ref.path(index, 0, size)
    assert verify_inclusion(alg, tree.leaf_hash(index), index, size, path, root)

    proof = tree.consistency_proof(first, size)
    assert proof == ref.proof(first, size)
    assert verify_consistency(alg, first, size, tree.root(first), root, proof)

    if path:
        pos = data.draw(st.integers(0, len(path) - 1), label="pos")
        bit = data.draw(st.integers(0, 255), label="bit")
        bad = list(path)
        byte = bytearray(bad[pos])
        byte[bit // 8] ^= 1 << (bit % 8)
        bad[pos] = bytes(byte)
        assert not verify_inclusion(alg, tree.leaf_hash(index), index, size, bad, root)
    if proof:
        pos = data.draw(st.integers(0, len(proof) - 1), label="cpos")
        bad = list(proof)
        bad[pos] = _flip(bad[pos], 5)
        assert not verify_consistency(alg, first, size, tree.root(first), root, bad)
