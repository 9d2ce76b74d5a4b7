"""Merkle tree hashing and proofs exactly as RFC 9162 §2.1 (Certificate Transparency v2).

Why this module exists
----------------------
The ledger is an append-only log whose integrity anyone can check without trusting the
server: a signed tree head commits to every entry, an inclusion proof shows one entry is in
it, a consistency proof shows an older head is a prefix of a newer one. Using the RFC's
tree shape (not a home-grown one) means third-party CT tooling and the RFC's published test
vectors apply unchanged; only the hash differs (SM3 by default, as Chinese government
systems expect; SHA-256 available for interoperability and for the CT test vectors).

Definitions (RFC 9162 §2.1.1), with ``H`` the chosen hash::

    MTH({})       = H()                                  # empty input
    MTH({d0})     = H(0x00 || d0)                        # leaf hash
    MTH(D[n])     = H(0x01 || MTH(D[0:k]) || MTH(D[k:n]))  # k = largest power of 2 < n

Storage model (why it scales)
-----------------------------
Nothing here ever re-hashes all leaves. The caller persists the hashes of *complete*
subtrees only: node ``(level L, index i)`` is ``MTH(D[i*2^L : (i+1)*2^L])``; level 0 holds
the leaf hashes. Every node of the RFC tree of any size ``n`` is either such a perfect node
or a right-edge node whose range ``[start, n)`` splits into at most ``log2 n`` perfect nodes
(the binary digits of its length). Hence roots and proofs need ``O(log n)`` stored hashes.
Appending leaf ``i`` creates ``1 + trailing_ones(i)`` new perfect nodes (amortised 2) and
reads as many left siblings.

Two-phase API for databases
---------------------------
Each operation comes as a pair: ``*_nodes(...)`` lists the ``(level, index)`` ids it will
read, so a database can fetch them in ONE query; then the operation itself takes a
``nodes`` argument that is either that fetched ``Mapping[(level, index), bytes]`` or a
``get_node(level, index) -> bytes`` callable (handy for in-memory stores)::

    need = inclusion_proof_nodes(index, size)        # list[(level, index)]
    fetched = {(n.level, n.index): n.hash for n in Node.objects.filter(...)}
    path = inclusion_proof(index, size, fetched, hash_alg)

Errors
------
Caller mistakes in proof *generation* (index >= size, proofs for size 0, first > second,
first == 0, misaligned ranges, unknown hash names) raise ``ValueError`` with an English
message; the API layer maps it to HTTP 400. A missing stored node raises ``KeyError``.
Proof *verification* (``verify_inclusion`` / ``verify_consistency``) never raises on
malformed or hostile input: it returns ``False``, because its inputs are untrusted.

Modules
-------
This module holds the hashes, the tree, roots, appends and inclusion proofs;
``merkle_consistency.py`` the consistency proofs (RFC 9162 §2.1.4); ``merkle_memory.py`` the
dict-backed tree the offline verifier, tests and benchmarks use. All three are pure (standard
library only), so the verifier can be copied with them.

Consistency from an empty tree
------------------------------
RFC 9162 §2.1.4 defines consistency proofs only for ``0 < first <= second`` (an empty tree
is trivially a prefix of every tree, so there is nothing to prove). Consistently with that,
``consistency_proof(0, n)`` raises ``ValueError`` and ``verify_consistency`` with
``first == 0`` returns ``False``; callers treat a size-0 head as needing no proof.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache

__all__ = [
    "DEFAULT_HASH_ALG",
    "HASH_ALGS",
    "NodeId",
    "NodeSource",
    "append_nodes",
    "append_nodes_needed",
    "digest_size",
    "empty_root",
    "hash_function",
    "inclusion_proof",
    "inclusion_proof_nodes",
    "inclusion_proof_ranges",
    "leaf_hash",
    "node_hash",
    "perfect_subtrees",
    "range_hash",
    "root_hash",
    "root_hash_nodes",
    "verify_inclusion",
]

DEFAULT_HASH_ALG = "sm3"
HASH_ALGS: tuple[str, ...] = ("sm3", "sha256")

NodeId = tuple[int, int]
"""``(level, index)`` of a stored perfect subtree: leaves ``[index*2^level, (index+1)*2^level)``."""

NodeSource = Mapping[NodeId, bytes] | Callable[[int, int], bytes]
"""Either the dict fetched for a ``*_nodes`` list, or a ``get_node(level, index)`` callable."""

_LEAF_PREFIX = b"\x00"  # RFC 9162 §2.1.1: domain separation leaf vs interior node
_NODE_PREFIX = b"\x01"


# --------------------------------------------------------------------------- hashing


@cache
def hash_function(hash_alg: str = DEFAULT_HASH_ALG) -> Callable[[bytes], bytes]:
    """Return a fast one-shot ``data -> digest`` function for ``"sm3"`` or ``"sha256"``.

    SM3 comes from OpenSSL through ``hashlib``; copying a pre-built empty context is
    measurably faster than ``hashlib.new("sm3")`` per call (name lookup each time). If the
    local OpenSSL lacks SM3 we fall back to ``cryptography``'s SM3 so the offline verifier
    still runs.
    """
    if hash_alg == "sha256":
        sha256 = hashlib.sha256

        def _sha256(data: bytes) -> bytes:
            return sha256(data).digest()

        return _sha256
    if hash_alg == "sm3":
        try:
            template = hashlib.new("sm3")
        except ValueError:  # pragma: no cover - depends on the OpenSSL build
            from cryptography.hazmat.primitives import hashes

            def _sm3_cryptography(data: bytes) -> bytes:
                h = hashes.Hash(hashes.SM3())
                h.update(data)
                return h.finalize()

            return _sm3_cryptography

        def _sm3(data: bytes) -> bytes:
            h = template.copy()
            h.update(data)
            return h.digest()

        return _sm3
    raise ValueError(f"unsupported hash algorithm {hash_alg!r}; expected one of {HASH_ALGS}")


def digest_size(hash_alg: str = DEFAULT_HASH_ALG) -> int:
    """Digest length in bytes (32 for both SM3 and SHA-256)."""
    return len(hash_function(hash_alg)(b""))


def empty_root(hash_alg: str = DEFAULT_HASH_ALG) -> bytes:
    """RFC 9162 §2.1.1: the hash of an empty list is the hash of an empty string."""
    return hash_function(hash_alg)(b"")


def leaf_hash(leaf_input: bytes, hash_alg: str = DEFAULT_HASH_ALG) -> bytes:
    """RFC 9162 §2.1.1: ``MTH({d0}) = HASH(0x00 || d0)``."""
    return hash_function(hash_alg)(_LEAF_PREFIX + leaf_input)


def node_hash(left: bytes, right: bytes, hash_alg: str = DEFAULT_HASH_ALG) -> bytes:
    """RFC 9162 §2.1.1: interior node ``HASH(0x01 || left || right)``."""
    return hash_function(hash_alg)(_NODE_PREFIX + left + right)


# --------------------------------------------------------------------------- helpers


def _largest_power_of_two_below(n: int) -> int:
    """The ``k`` of RFC 9162 §2.1.1: largest power of two strictly smaller than ``n >= 2``."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    return value


def _getter(nodes: NodeSource) -> Callable[[NodeId], bytes]:
    """Normalise a Mapping or a ``get_node(level, index)`` callable to ``get((level, index))``."""
    if isinstance(nodes, Mapping):
        mapping = nodes

        def _from_mapping(node: NodeId) -> bytes:
            try:
                return mapping[node]
            except KeyError:
                raise KeyError(
                    f"stored Merkle node (level={node[0]}, index={node[1]}) was not supplied"
                ) from None

        return _from_mapping
    if callable(nodes):
        get_node = nodes
        return lambda node: get_node(node[0], node[1])
    raise TypeError("nodes must be a Mapping[(level, index), bytes] or a callable")


def _unique(ids: Iterable[NodeId]) -> list[NodeId]:
    """De-duplicate while keeping order, so callers can pass the list to one SQL query."""
    return list(dict.fromkeys(ids))


# --------------------------------------------------------------------------- ranges


def perfect_subtrees(start: int, end: int) -> list[NodeId]:
    """Split ``[start, end)`` into stored perfect nodes, largest first (left to right).

    Valid for every node of an RFC 9162 tree: such a range starts at a multiple of the
    largest power of two not exceeding its length, so each binary digit of the length is an
    aligned perfect subtree. Misaligned ranges are not tree nodes and raise ``ValueError``.
    """
    _check_int("start", start)
    _check_int("end", end)
    if end < start:
        raise ValueError(f"range end {end} is before start {start}")
    out: list[NodeId] = []
    pos, remaining = start, end - start
    while remaining:
        level = remaining.bit_length() - 1
        width = 1 << level
        if pos % width:
            raise ValueError(f"range [{start}, {end}) is not a node of any RFC 9162 tree")
        out.append((level, pos >> level))
        pos += width
        remaining -= width
    return out


def range_hash(start: int, end: int, nodes: NodeSource, hash_alg: str = DEFAULT_HASH_ALG) -> bytes:
    """``MTH(D[start:end])`` from at most ``log2(end-start)+1`` stored perfect nodes.

    With the length written ``2^a + r`` (``r < 2^a``), RFC 9162 §2.1.1 splits at ``k = 2^a``,
    so ``MTH = H(0x01 || node(2^a) || MTH(rest))`` and the rest recurses the same way:
    folding the perfect pieces from the right reproduces the RFC tree exactly.
    """
    ids = perfect_subtrees(start, end)
    if not ids:
        if start != 0:
            raise ValueError("an empty range only has a hash as the empty tree [0, 0)")
        return empty_root(hash_alg)
    get = _getter(nodes)
    h = hash_function(hash_alg)
    acc = get(ids[-1])
    for node in reversed(ids[:-1]):
        acc = h(_NODE_PREFIX + get(node) + acc)
    return acc


def root_hash_nodes(size: int) -> list[NodeId]:
    """Stored nodes that ``root_hash(size, ...)`` reads (popcount(size) of them)."""
    return perfect_subtrees(0, _check_int("size", size))


def root_hash(size: int, nodes: NodeSource, hash_alg: str = DEFAULT_HASH_ALG) -> bytes:
    """RFC 9162 §2.1.1 ``MTH(D[0:size])`` from stored perfect nodes; ``H()`` for size 0."""
    return range_hash(0, _check_int("size", size), nodes, hash_alg)


# --------------------------------------------------------------------------- append


def append_nodes_needed(index: int) -> list[NodeId]:
    """Left siblings that ``append_nodes(index, ...)`` reads: one per trailing 1-bit of index."""
    _check_int("index", index)
    out: list[NodeId] = []
    level, i = 0, index
    while i & 1:
        out.append((level, i - 1))
        level += 1
        i >>= 1
    return out


def append_nodes(
    index: int,
    leaf_hash: bytes,
    get_node: NodeSource,
    hash_alg: str = DEFAULT_HASH_ALG,
) -> list[tuple[int, int, bytes]]:
    """New perfect nodes ``(level, index, hash)`` created by appending leaf number ``index``.

    The leaf itself is ``(0, index)``. Whenever the new node is a right child (odd index at
    its level) its parent becomes complete: ``H(0x01 || left sibling || node)``. The caller
    must already store every node of leaves ``0..index-1`` and must append in order; this
    is O(log n) hashes and reads (amortised 1 parent per leaf).
    """
    _check_int("index", index)
    h = hash_function(hash_alg)
    if not isinstance(leaf_hash, bytes | bytearray) or len(leaf_hash) != digest_size(hash_alg):
        raise ValueError(f"leaf_hash must be {digest_size(hash_alg)} bytes of {hash_alg}")
    get = _getter(get_node)
    current = bytes(leaf_hash)
    out = [(0, index, current)]
    level, i = 0, index
    while i & 1:
        current = h(_NODE_PREFIX + get((level, i - 1)) + current)
        level += 1
        i >>= 1
        out.append((level, i, current))
    return out


# --------------------------------------------------------------------------- inclusion


def inclusion_proof_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges whose MTHs form ``PATH(index, D[0:size])``, leaf-to-root order.

    RFC 9162 §2.1.3.1, with ``k`` the largest power of two below ``n``::

        PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])   if m < k
        PATH(m, D[n]) = PATH(m - k, D[k:n]) : MTH(D[0:k])  if m >= k

    The recursion appends each sibling *after* the deeper path, so the list we build
    top-down is reversed at the end.
    """
    _check_int("index", index)
    _check_int("size", size)
    if size == 0:
        raise ValueError("no inclusion proof exists for an empty tree (tree_size 0)")
    if index >= size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _largest_power_of_two_below(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def inclusion_proof_nodes(index: int, size: int) -> list[NodeId]:
    """Stored nodes ``inclusion_proof(index, size, ...)`` reads: at most ~2*log2(size)."""
    return _unique(
        n for s, e in inclusion_proof_ranges(index, size) for n in perfect_subtrees(s, e)
    )


def inclusion_proof(
    index: int, size: int, nodes: NodeSource, hash_alg: str = DEFAULT_HASH_ALG
) -> list[bytes]:
    """RFC 9162 §2.1.3.1 audit path for leaf ``index`` in the tree of ``size`` leaves."""
    return [range_hash(s, e, nodes, hash_alg) for s, e in inclusion_proof_ranges(index, size)]


def verify_inclusion(
    hash_alg: str,
    leaf_hash: bytes,
    index: int,
    tree_size: int,
    audit_path: Sequence[bytes],
    root_hash: bytes,
) -> bool:
    """RFC 9162 §2.1.3.2 verification, step by step; ``False`` on any malformed input."""
    try:
        h = hash_function(hash_alg)
        size = digest_size(hash_alg)
        path = list(audit_path)
        if not _all_hashes([leaf_hash, root_hash, *path], size):
            return False
        path = [bytes(p) for p in path]
        _check_int("index", index)
        _check_int("tree_size", tree_size)
    except (ValueError, TypeError):
        return False
    # 1. leaf_index >= tree_size fails.
    if index >= tree_size:
        return False
    # 2. fn = leaf_index, sn = tree_size - 1.
    fn, sn = index, tree_size - 1
    # 3. r = hash.
    r = bytes(leaf_hash)
    # 4. For each p in inclusion_path:
    for p in path:
        # a. sn == 0 -> fail (path too long).
        if sn == 0:
            return False
        # b. LSB(fn) set, or fn == sn: p is a left sibling.
        if fn & 1 or fn == sn:
            r = h(_NODE_PREFIX + p + r)
            # If LSB(fn) not set, shift until LSB(fn) set or fn == 0 (skip right-edge levels).
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = h(_NODE_PREFIX + r + p)
        # c. shift both once.
        fn >>= 1
        sn >>= 1
    # 5. sn must be 0 and r must equal root_hash.
    return sn == 0 and r == root_hash


def _all_hashes(values: Iterable[object], size: int) -> bool:
    return all(isinstance(v, bytes | bytearray) and len(v) == size for v in values)
