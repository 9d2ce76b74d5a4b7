"""RFC 9162 §2.1 Merkle proofs that must fail: forged proofs, malformed input, bad arguments,
and the exact errors callers get (mutation testing, issue 14)."""

from __future__ import annotations

import pytest

from jianguan.ledger import merkle
from jianguan.ledger.merkle import (
    append_nodes,
    append_nodes_needed,
    inclusion_proof,
    inclusion_proof_ranges,
    perfect_subtrees,
    range_hash,
    root_hash,
    root_hash_nodes,
    verify_inclusion,
)
from jianguan.ledger.merkle_consistency import (
    consistency_proof,
    consistency_proof_ranges,
    verify_consistency,
)
from jianguan.ledger.merkle_memory import InMemoryTree
from jianguan.ledger.tests.merkle_reference import ALGS
from jianguan.ledger.tests.merkle_reference import flip as _flip
from jianguan.ledger.tests.merkle_reference import leaves as _leaves

# --------------------------------------------------------------------------- forgeries


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
