"""Consistency proofs exactly as RFC 9162 §2.1.4: an older signed tree head is a prefix of a
newer one. Pure (standard library only), like ``merkle.py`` whose tree and storage model it
uses; see that module for the definitions and the two-phase ``*_nodes`` API.
"""

from __future__ import annotations

from collections.abc import Sequence

from .merkle import (
    _NODE_PREFIX,
    DEFAULT_HASH_ALG,
    NodeId,
    NodeSource,
    _all_hashes,
    _check_int,
    _largest_power_of_two_below,
    _unique,
    digest_size,
    hash_function,
    perfect_subtrees,
    range_hash,
)

__all__ = [
    "consistency_proof",
    "consistency_proof_nodes",
    "consistency_proof_ranges",
    "verify_consistency",
]


def consistency_proof_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """Leaf ranges whose MTHs form ``PROOF(first, D[0:second])``, in RFC order.

    RFC 9162 §2.1.4.1: ``PROOF(m, D[n]) = SUBPROOF(m, D[n], true)`` and::

        SUBPROOF(m, D[m], true)  = {}
        SUBPROOF(m, D[m], false) = {MTH(D[m])}
        SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])        if m <= k
        SUBPROOF(m, D[n], b) = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])  if m > k

    ``first == second`` gives the empty proof; ``first == 0`` is outside the RFC (see the
    module docstring) and raises ``ValueError`` like ``first > second``.
    """
    _check_int("first", first)
    _check_int("second", second)
    if first > second:
        raise ValueError(f"first tree size {first} is larger than second tree size {second}")
    if first == 0:
        raise ValueError(
            "no consistency proof exists from an empty tree (first = 0); "
            "RFC 9162 requires 0 < first <= second"
        )
    ranges: list[tuple[int, int]] = []
    lo, hi, m, whole = 0, second, first, True
    while True:
        n = hi - lo
        if m == n:
            if not whole:
                ranges.append((lo, hi))
            break
        k = _largest_power_of_two_below(n)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            m -= k
            whole = False
    ranges.reverse()
    return ranges


def consistency_proof_nodes(first: int, second: int) -> list[NodeId]:
    """Stored nodes ``consistency_proof(first, second, ...)`` reads: O(log second)."""
    return _unique(
        n for s, e in consistency_proof_ranges(first, second) for n in perfect_subtrees(s, e)
    )


def consistency_proof(
    first: int, second: int, nodes: NodeSource, hash_alg: str = DEFAULT_HASH_ALG
) -> list[bytes]:
    """RFC 9162 §2.1.4.1 consistency proof between tree sizes ``first`` and ``second``."""
    return [range_hash(s, e, nodes, hash_alg) for s, e in consistency_proof_ranges(first, second)]


def verify_consistency(
    hash_alg: str,
    first: int,
    second: int,
    first_root: bytes,
    second_root: bytes,
    consistency_path: Sequence[bytes],
) -> bool:
    """RFC 9162 §2.1.4.2 verification, step by step; ``False`` on any malformed input.

    Special cases outside the RFC's numbered steps: ``first == second`` verifies iff the
    path is empty and both roots are equal (the RFC's proof for m == n is empty);
    ``first == 0`` returns ``False`` (no proof is defined from the empty tree).
    """
    try:
        h = hash_function(hash_alg)
        size = digest_size(hash_alg)
        path = list(consistency_path)
        if not _all_hashes([first_root, second_root, *path], size):
            return False
        path = [bytes(p) for p in path]
        _check_int("first", first)
        _check_int("second", second)
    except (ValueError, TypeError):
        return False
    if first == 0 or first > second:
        return False
    if first == second:
        return not path and first_root == second_root
    # 1. An empty consistency_path fails.
    if not path:
        return False
    # 2. If first is an exact power of 2, prepend first_hash.
    if first & (first - 1) == 0:
        path.insert(0, bytes(first_root))
    # 3. fn = first - 1, sn = second - 1.
    fn, sn = first - 1, second - 1
    # 4. While LSB(fn) is set, shift both.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. fr = sr = first value of the path.
    fr = sr = path[0]
    # 6. For each subsequent value c:
    for c in path[1:]:
        # a. sn == 0 -> fail (path too long).
        if sn == 0:
            return False
        # b. LSB(fn) set, or fn == sn.
        if fn & 1 or fn == sn:
            fr = h(_NODE_PREFIX + c + fr)
            sr = h(_NODE_PREFIX + c + sr)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = h(_NODE_PREFIX + sr + c)
        # c. shift both once.
        fn >>= 1
        sn >>= 1
    # 7. fr == first_hash, sr == second_hash, sn == 0.
    return sn == 0 and fr == first_root and sr == second_root
