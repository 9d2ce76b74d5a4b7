"""A Merkle tree kept in a dict: the offline verifier's, the tests' and the benchmarks' log."""

from __future__ import annotations

from collections.abc import Iterable

from .merkle import (
    DEFAULT_HASH_ALG,
    NodeId,
    _check_int,
    append_nodes,
    hash_function,
    inclusion_proof,
    leaf_hash,
    root_hash,
)
from .merkle_consistency import consistency_proof

__all__ = ["InMemoryTree"]


class InMemoryTree:
    """A dict-backed log used by the offline verifier, the tests and the benchmark.

    It stores exactly what a database would (perfect nodes keyed ``(level, index)``) and
    goes through the same public functions, so it exercises the production code path.
    """

    def __init__(self, hash_alg: str = DEFAULT_HASH_ALG) -> None:
        hash_function(hash_alg)  # validate early
        self.hash_alg = hash_alg
        self.nodes: dict[NodeId, bytes] = {}
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def append(self, leaf_input: bytes) -> int:
        """Append raw leaf input (hashed with the 0x00 prefix); return its index."""
        return self.append_leaf_hash(leaf_hash(leaf_input, self.hash_alg))

    def append_leaf_hash(self, leaf_hash_value: bytes) -> int:
        """Append an already computed leaf hash; return its index."""
        index = self.size
        for level, i, value in append_nodes(index, leaf_hash_value, self.nodes, self.hash_alg):
            self.nodes[(level, i)] = value
        self.size = index + 1
        return index

    def extend(self, leaf_inputs: Iterable[bytes]) -> None:
        for item in leaf_inputs:
            self.append(item)

    def leaf_hash(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise ValueError(f"leaf index {index} is not in a tree of size {self.size}")
        return self.nodes[(0, index)]

    def _size(self, size: int | None) -> int:
        size = self.size if size is None else _check_int("tree_size", size)
        if size > self.size:
            raise ValueError(f"tree size {size} exceeds the {self.size} leaves appended")
        return size

    def root(self, size: int | None = None) -> bytes:
        return root_hash(self._size(size), self.nodes, self.hash_alg)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self._size(size), self.nodes, self.hash_alg)

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        return consistency_proof(first, self._size(second), self.nodes, self.hash_alg)
