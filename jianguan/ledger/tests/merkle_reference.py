"""RFC 9162 §2.1 written literally from the recursive definitions (MTH, PATH, PROOF/SUBPROOF):
the brute-force reference the Merkle tests hold the implementation to. Memoising it on
``(start, end)`` keeps it exact while making "every proof for every size up to 300" affordable.
"""

from __future__ import annotations

import hashlib
from functools import cache

ALGS = ["sm3", "sha256"]
MAX_SIZE = 300


def h(alg: str, data: bytes) -> bytes:
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
            return h(self.alg, b"")
        if n == 1:
            return h(self.alg, b"\x00" + self.leaves[start])
        k = self.k(n)
        return h(self.alg, b"\x01" + self.mth(start, start + k) + self.mth(start + k, end))

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


def leaves(count: int) -> list[bytes]:
    return [f"leaf-{i}".encode() * (i % 3 + 1) for i in range(count)]


def flip(b: bytes, bit: int = 0) -> bytes:
    """The hash with one bit of its first byte flipped: a forged node."""
    return bytes([b[0] ^ (1 << bit)]) + b[1:]
