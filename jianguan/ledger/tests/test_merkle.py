"""RFC 9162 §2.1 Merkle tree: roots and proofs against a brute-force reference.

The reference below is written straight from the RFC's recursive definitions (MTH, PATH,
PROOF/SUBPROOF) and computes everything from the leaves; the implementation under test
reads only stored perfect-subtree hashes. Memoising the reference on ``(start, end)``
keeps it exact while making "every proof for every size up to 300" affordable.
"""

from __future__ import annotations

import hashlib
import random
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.ledger import merkle
from jianguan.ledger.merkle import (
    append_nodes,
    append_nodes_needed,
    inclusion_proof,
    inclusion_proof_nodes,
    inclusion_proof_ranges,
    perfect_subtrees,
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

ALGS = ["sm3", "sha256"]
MAX_SIZE = 300


def _h(alg: str, data: bytes) -> bytes:
    return hashlib.new(alg, data).digest()


class Reference:
    """RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, literally, over ``leaves[start:end]``."""

    def __init__(self, leaves: list[bytes], alg: str) -> None:
        self.leaves = leaves
        self.alg = alg
        self.mth = cache(self._mth)

    @staticmethod
    def k(n: int) -> int:
        # Largest power of two smaller than n (n > 1).
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def _mth(self, start: int, end: int) -> bytes:
        n = end - start
        if n == 0:
            return _h(self.alg, b"")
        if n == 1:
            return _h(self.alg, b"\x00" + self.leaves[start])
        k = self.k(n)
        return _h(self.alg, b"\x01" + self.mth(start, start + k) + self.mth(start + k, end))

    def path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = self.k(n)
        if m < k:
            return self.path(m, start, start + k) + [self.mth(start + k, end)]
        return self.path(m - k, start + k, end) + [self.mth(start, start + k)]

    def subproof(self, m: int, start: int, end: int, b: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if b else [self.mth(start, end)]
        k = self.k(n)
        if m <= k:
            return self.subproof(m, start, start + k, b) + [self.mth(start + k, end)]
        return self.subproof(m - k, start + k, end, False) + [self.mth(start, start + k)]

    def proof(self, m: int, n: int) -> list[bytes]:
        return self.subproof(m, 0, n, True)


def _leaves(count: int) -> list[bytes]:
    return [f"leaf-{i}".encode() * (i % 3 + 1) for i in range(count)]


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


# --------------------------------------------------------------------------- forgeries


def _flip(b: bytes, bit: int = 0) -> bytes:
    return bytes([b[0] ^ (1 << bit)]) + b[1:]


@pytest.mark.parametrize("alg", ALGS)
def test_forged_inclusion_proofs_fail(alg: str) -> None:
    n_max = 40
    leaves = _leaves(n_max)
    tree = InMemoryTree(alg)
    tree.extend(leaves)
    for size in range(1, n_max + 1):
        root = tree.root(size)
        for index in range(size):
            leaf = tree.leaf_hash(index)
            proof = tree.inclusion_proof(index, size)
            assert verify_inclusion(alg, leaf, index, size, proof, root)
            # wrong leaf
            assert not verify_inclusion(alg, _flip(leaf), index, size, proof, root)
            assert not verify_inclusion(
                alg, merkle.leaf_hash(b"forged", alg), index, size, proof, root
            )
            # wrong index (including out of range)
            for other in range(size + 2):
                if other != index:
                    assert not verify_inclusion(alg, leaf, other, size, proof, root)
            # wrong size, with that size's real root, and with the same root when the
            # proof has the wrong length for it
            for other in range(index + 1, n_max + 1):
                if other != size:
                    assert not verify_inclusion(alg, leaf, index, other, proof, tree.root(other))
                    if len(inclusion_proof_ranges(index, other)) != len(proof):
                        assert not verify_inclusion(alg, leaf, index, other, proof, root)
            assert not verify_inclusion(alg, leaf, index, 0, proof, root)
            # one hash flipped
            for pos in range(len(proof)):
                bad = list(proof)
                bad[pos] = _flip(bad[pos], pos % 8)
                assert not verify_inclusion(alg, leaf, index, size, bad, root)
            # truncated, too long, reordered
            if proof:
                assert not verify_inclusion(alg, leaf, index, size, proof[:-1], root)
                assert not verify_inclusion(alg, leaf, index, size, proof[1:], root)
            assert not verify_inclusion(alg, leaf, index, size, [*proof, root], root)
            assert not verify_inclusion(alg, leaf, index, size, [leaf, *proof], root)
            if len(proof) > 1 and proof[0] != proof[-1]:
                assert not verify_inclusion(alg, leaf, index, size, proof[::-1], root)
            # wrong root
            assert not verify_inclusion(alg, leaf, index, size, proof, _flip(root, 7))
            # wrong hash algorithm
            other_alg = "sha256" if alg == "sm3" else "sm3"
            if size > 1:
                assert not verify_inclusion(other_alg, leaf, index, size, proof, root)


@pytest.mark.parametrize("alg", ALGS)
def test_forged_consistency_proofs_fail(alg: str) -> None:
    n_max = 40
    tree = InMemoryTree(alg)
    tree.extend(_leaves(n_max))
    roots = [tree.root(n) for n in range(n_max + 1)]
    for second in range(1, n_max + 1):
        for first in range(1, second + 1):
            proof = tree.consistency_proof(first, second)
            r1, r2 = roots[first], roots[second]
            assert verify_consistency(alg, first, second, r1, r2, proof)
            assert not verify_consistency(alg, first, second, _flip(r1), r2, proof)
            assert not verify_consistency(alg, first, second, r1, _flip(r2), proof)
            for pos in range(len(proof)):
                bad = list(proof)
                bad[pos] = _flip(bad[pos], 3)
                assert not verify_consistency(alg, first, second, r1, r2, bad)
            if proof:
                assert not verify_consistency(alg, first, second, r1, r2, proof[:-1])
                assert not verify_consistency(alg, first, second, r1, r2, proof[1:])
            assert not verify_consistency(alg, first, second, r1, r2, [*proof, r1])
            # Other sizes with their own real roots.
            for f2 in range(1, n_max + 1):
                for s2 in (second - 1, second + 1):
                    if 0 < f2 <= s2 <= n_max and (f2, s2) != (first, second):
                        assert not verify_consistency(alg, f2, s2, roots[f2], roots[s2], proof) or (
                            f2 == s2 and not proof
                        )
            # Same roots, other claimed sizes: rejected whenever the proof has the wrong
            # length for them (the RFC's final "sn is 0" check).
            for s2 in range(first, n_max + 1):
                if len(consistency_proof_ranges(first, s2)) != len(proof):
                    assert not verify_consistency(alg, first, s2, r1, r2, proof)
            for f2 in range(1, second + 1):
                if len(consistency_proof_ranges(f2, second)) != len(proof):
                    assert not verify_consistency(alg, f2, second, r1, r2, proof)
            # Rollback: swapping the sizes / roots.
            if first < second:
                assert not verify_consistency(alg, second, first, r2, r1, proof)
    # Special cases (module docstring): first == 0 is invalid, first == second needs [].
    assert not verify_consistency(alg, 0, 5, roots[0], roots[5], [])
    assert not verify_consistency(alg, 0, 5, roots[0], roots[5], tree.consistency_proof(1, 5))
    assert verify_consistency(alg, 7, 7, roots[7], roots[7], [])
    assert not verify_consistency(alg, 7, 7, roots[7], roots[8], [])
    assert not verify_consistency(alg, 7, 7, roots[7], roots[7], [roots[7]])
    assert not verify_consistency(alg, 3, 8, roots[3], roots[8], [])


def test_verifiers_reject_malformed_input_without_raising() -> None:
    tree = InMemoryTree("sha256")
    tree.extend(_leaves(10))
    leaf, root = tree.leaf_hash(3), tree.root()
    proof = tree.inclusion_proof(3)
    assert not verify_inclusion("md5", leaf, 3, 10, proof, root)
    assert not verify_inclusion("sha256", leaf, -1, 10, proof, root)
    assert not verify_inclusion("sha256", leaf, True, 10, proof, root)  # type: ignore[arg-type]
    assert not verify_inclusion("sha256", leaf[:-1], 3, 10, proof, root)
    hex_path: list = [p.hex() for p in proof]
    assert not verify_inclusion("sha256", leaf, 3, 10, hex_path, root)
    assert not verify_inclusion("sha256", leaf, 3, 10, None, root)  # type: ignore[arg-type]
    assert not verify_consistency("sha256", 5, 3, root, root, [])
    assert not verify_consistency("sha256", "3", 10, root, root, [])  # type: ignore[arg-type]
    assert not verify_consistency(["x"], 3, 10, root, root, [])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- validation


def test_generation_rejects_bad_arguments_with_value_error() -> None:
    tree = InMemoryTree("sm3")
    tree.extend(_leaves(5))
    nodes = tree.nodes
    with pytest.raises(ValueError, match="not in a tree of size 5"):
        inclusion_proof(5, 5, nodes)
    with pytest.raises(ValueError, match="empty tree"):
        inclusion_proof(0, 0, nodes)
    with pytest.raises(ValueError, match="larger than second"):
        consistency_proof(4, 3, nodes)
    with pytest.raises(ValueError, match="first = 0"):
        consistency_proof(0, 3, nodes)
    with pytest.raises(ValueError, match="non-negative"):
        inclusion_proof(-1, 3, nodes)
    with pytest.raises(ValueError, match="integer"):
        root_hash(True, nodes)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a node"):
        perfect_subtrees(1, 3)
    with pytest.raises(ValueError, match="unsupported hash"):
        InMemoryTree("md5")
    with pytest.raises(ValueError, match="exceeds"):
        tree.root(6)
    with pytest.raises(ValueError, match="32 bytes"):
        append_nodes(5, b"short", nodes)
    with pytest.raises(KeyError, match=r"\(level=1, index=2\) was not supplied"):
        root_hash(6, nodes)
    assert consistency_proof(5, 5, nodes) == []
    assert inclusion_proof(0, 1, nodes) == []


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


# --------------------------------------------------------------------------- exact errors
# Mutation testing (issue 14, `make mutation`): the errors name the argument at fault, since
# the API returns them to callers who passed a bad tree size or index.


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: perfect_subtrees(-1, 3), "start must be non-negative, got -1"),
        (lambda: perfect_subtrees(0, -3), "end must be non-negative, got -3"),
        (lambda: perfect_subtrees(3, 1), "range end 1 is before start 3"),
        (lambda: perfect_subtrees(1, 3), "range [1, 3) is not a node of any RFC 9162 tree"),
        (lambda: range_hash(1, 1, {}), "an empty range only has a hash as the empty tree [0, 0)"),
        (lambda: root_hash_nodes(-2), "size must be non-negative, got -2"),
        (lambda: root_hash_nodes("3"), "size must be an integer, got str"),
        (lambda: root_hash(-2, {}), "size must be non-negative, got -2"),
        (lambda: root_hash(True, {}), "size must be an integer, got bool"),
        (lambda: append_nodes_needed(-1), "index must be non-negative, got -1"),
        (lambda: append_nodes(-1, bytes(32), {}), "index must be non-negative, got -1"),
        (lambda: append_nodes(0, bytes(31), {}), "leaf_hash must be 32 bytes of sm3"),
        (lambda: inclusion_proof_ranges(-1, 3), "index must be non-negative, got -1"),
        (lambda: inclusion_proof_ranges(0, -3), "size must be non-negative, got -3"),
        (lambda: inclusion_proof_ranges(3, 3), "leaf index 3 is not in a tree of size 3"),
        (
            lambda: inclusion_proof_ranges(0, 0),
            "no inclusion proof exists for an empty tree (tree_size 0)",
        ),
        (lambda: consistency_proof_ranges(-1, 3), "first must be non-negative, got -1"),
        (lambda: consistency_proof_ranges(1, -3), "second must be non-negative, got -3"),
        (
            lambda: consistency_proof_ranges(4, 3),
            "first tree size 4 is larger than second tree size 3",
        ),
        (
            lambda: consistency_proof_ranges(0, 3),
            "no consistency proof exists from an empty tree (first = 0); "
            "RFC 9162 requires 0 < first <= second",
        ),
        (lambda: InMemoryTree().root(-1), "tree_size must be non-negative, got -1"),
        (lambda: InMemoryTree().root(1), "tree size 1 exceeds the 0 leaves appended"),
        (lambda: InMemoryTree().leaf_hash(0), "leaf index 0 is not in a tree of size 0"),
        (
            lambda: InMemoryTree("md5"),
            "unsupported hash algorithm 'md5'; expected one of ('sm3', 'sha256')",
        ),
    ],
)
def test_argument_errors_are_exact(call, message) -> None:
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message


def test_node_source_errors_are_exact() -> None:
    with pytest.raises(TypeError) as info:
        root_hash(1, 42)  # type: ignore[arg-type]
    assert str(info.value) == "nodes must be a Mapping[(level, index), bytes] or a callable"
    with pytest.raises(KeyError) as info:
        root_hash(1, {})
    assert info.value.args == ("stored Merkle node (level=0, index=0) was not supplied",)


@pytest.mark.parametrize("alg", ALGS)
def test_verification_refuses_malformed_hashes_even_with_a_good_proof(alg) -> None:
    # RFC 9162 §2.1.3.2 / §2.1.4.2 take hashes of the tree's algorithm: a root, leaf or path
    # element of another length (or not bytes) is refused, never checked loosely.
    tree = InMemoryTree(alg)
    tree.extend(_leaves(10))
    leaf, root3, root10 = tree.leaf_hash(3), tree.root(3), tree.root(10)
    path, proof = tree.inclusion_proof(3, 10), tree.consistency_proof(3, 10)
    assert verify_inclusion(alg, leaf, 3, 10, path, root10)
    assert verify_consistency(alg, 3, 10, root3, root10, proof)
    for bad in (root10[:-1], root10 + b"\0", root10.hex()):
        assert not verify_inclusion(alg, leaf, 3, 10, path, bad)
        assert not verify_consistency(alg, 3, 10, root3, bad, proof)
    assert not verify_inclusion(alg, leaf[:-1], 3, 10, path, root10)
    assert not verify_inclusion(alg, leaf, 3, 10, [*path[:-1], path[-1][:-1]], root10)
    assert not verify_consistency(alg, 3, 10, root3[:-1], root10, proof)
    assert not verify_consistency(alg, 3, 10, root3, root10, [*proof[:-1], proof[-1][:-1]])
